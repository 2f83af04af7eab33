"""Tests of the parsers of the questionnaire's answers (actions/parsing)."""
