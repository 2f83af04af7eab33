"""Custom NLU components of the assistant's pipeline (see config.yml).

Rasa imports this package in every process that loads the assistant's model, so the fix for
the action server's replies is installed here (``bot.action_response``).
"""

from bot import action_response

action_response.install()
