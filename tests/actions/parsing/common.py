"""What several parser tests share: the day answers are given, and questions that are no answer."""

from __future__ import annotations

from datetime import date

TODAY = date(2025, 6, 15)
FAQ_FR = "combien coûte une chirurgie ?"
FAQ_EN = "How much does back surgery cost in France?"
