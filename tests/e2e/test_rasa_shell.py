"""Staff testing in ``rasa shell``, driven as a person would: through a pseudo-terminal.

The shell runs the current model against the session's action server; a FAQ is asked in French
and in English, then a hand-off is completed (the consent and the time to call are picked in the
shell's button menus with the Enter key) and the lead is read back from the database.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import uuid

import pexpect
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from actions.leads.models import Lead
from actions.leads.settings import LeadSettings
from tools.content import response_text
from tools.stack import PROJECT

pytestmark = pytest.mark.server

PROMPT = "Your input ->"
ENTER = "\r"


def first_line(name: str, language: str) -> str:
    """The first line of a response, as the shell prints it (a regular expression)."""
    return re.escape(response_text(name, language).splitlines()[0])


@pytest.fixture(scope="module")
def shell(stack, trained_model):
    """``rasa shell`` in a wide pseudo-terminal, using the session stack's action server."""
    env = {
        **os.environ,
        **stack.env,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{stack.actions_port}/webhook",
        "RASA_TELEMETRY_ENABLED": "false",
        "TERM": "xterm",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot.server", "shell", "--model", str(trained_model), "--endpoints", "endpoints.yml"],
        cwd=PROJECT,
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 400),
    )
    child.logfile_read = (stack.log_dir / "shell.log").open("w")
    try:
        child.expect(PROMPT, timeout=300)
        yield child
    finally:
        # « /stop » ends the shell; on a busy machine it can take a while to exit, and a
        # kill too, so wait for it, then give the kill time before pexpect checks it.
        child.sendline("/stop")
        with contextlib.suppress(pexpect.TIMEOUT):
            child.expect(pexpect.EOF, timeout=60)
        child.delayafterterminate = 5
        child.close(force=True)


def ask(shell: pexpect.spawn, text: str, *responses: str, language: str) -> None:
    """Types ``text`` at the prompt and waits for each response's first line, in order."""
    shell.sendline(text)
    for name in responses:
        shell.expect(first_line(name, language))


def test_staff_ask_a_faq_in_french_then_in_english(shell):
    ask(shell, "Combien coûte une chirurgie du dos en France?", "utter_faq/cost_france", language="fr")
    shell.expect(PROMPT)
    ask(shell, "How much does back surgery cost in France?", "utter_faq/cost_france", language="en")
    shell.expect(PROMPT)


def test_staff_complete_a_hand_off_in_the_shell(shell, stack):
    email = f"shell-{uuid.uuid4().hex[:8]}@example.ca"
    ask(shell, "je veux parler à quelqu'un", "utter_request_human", language="fr")
    shell.expect(re.escape("1: Oui, j'accepte"))  # the consent's buttons, as a menu
    shell.send(ENTER)
    shell.expect(first_line("utter_ask_contact_name", "fr"))
    shell.expect(PROMPT)
    ask(shell, "Jean-Guy Côté", "utter_ask_contact_details", language="fr")
    shell.expect(PROMPT)
    ask(shell, email, "utter_ask_callback_time", language="fr")
    shell.expect(re.escape("1: Le matin"))
    shell.send(ENTER)
    shell.expect(first_line("utter_handoff_done", "fr"))
    engine = create_engine(LeadSettings.from_env(stack.env).database_url, future=True)
    try:
        with Session(engine) as session:
            (lead,) = session.scalars(select(Lead).where(Lead.email == email))
            assert (lead.name, lead.channel, lead.language) == ("Jean-Guy Côté", "cmdline", "fr")
            assert lead.callback_time == "morning" and lead.outcome == "human_requested"
    finally:
        engine.dispose()
