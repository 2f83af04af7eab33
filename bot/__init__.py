"""What runs inside the Rasa server or beside it: NLU components and tools."""
