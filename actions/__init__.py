"""The action server: one module per feature."""
