"""The assistant's custom NLU components, named in config.yml's pipeline."""
