"""Reads the leads the action server stored, for the tests that go through a channel."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from actions.leads.models import Lead


def leads_where(database_url: str, *criteria: Any, wait_s: float = 0) -> list[Lead]:
    """The leads matching ``criteria`` (``Lead.email == e``…), waiting up to ``wait_s`` for one.

    While waiting, a database that is not reachable yet, or has no ``leads`` table yet, counts
    as no lead.
    """
    engine = create_engine(database_url, future=True)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                with Session(engine) as session:
                    leads = list(session.scalars(select(Lead).where(*criteria)))
                    session.expunge_all()
            except DBAPIError:
                # Still starting, or the schema not yet created by the first lead.
                if time.monotonic() >= deadline:
                    raise
                leads = []
            if leads or time.monotonic() >= deadline:
                return leads
            time.sleep(0.3)
    finally:
        engine.dispose()
