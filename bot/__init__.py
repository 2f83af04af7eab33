"""Code that the Rasa server loads: NLU components, channels, the tracker store, language and
safety rules, text folding (the one module the action server shares), and the server's entry
point (``python -m bot.server``). Nothing here imports ``tools/`` or ``actions/``."""
