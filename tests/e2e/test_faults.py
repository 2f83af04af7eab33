"""Faults a patient can see, and what the logs keep, on the real servers.

- The action server crashes in the middle of the questionnaire: the person is told, in their
  language, to try again and that their answers are kept; once it is back, the questionnaire
  goes on from where it was. A message the assistant cannot answer gets the same answer as
  ever: only its recording for the content team is lost.
- A whole hand-off with a name, an e-mail, a phone number and health answers leaves none of
  them in either server's log above DEBUG, even when an answer fails.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.e2e.test_handoff_server import CONSENT, NO, START, YES, play, up_to_treatments
from tests.support.stack import server_env
from tools.content import LANGUAGES, normalise, text_index
from tools.stack import RasaStack

pytestmark = pytest.mark.server

TECHNICAL_PROBLEM = "utter_technical_problem"


@pytest.fixture(scope="module")
def own_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> RasaStack:
    """A stack of this module's own: its action server is stopped and started again."""
    with RasaStack(
        trained_model, tmp_path_factory.mktemp("faults"), server_env(tmp_path_factory, "faults-data")
    ) as running:
        yield running


def reply_names(stack: RasaStack, sender: str, text: str) -> list[tuple[str, str]]:
    index = text_index()
    return [
        index.get(normalise(message.get("text", "")), (message.get("text"), "?"))
        for message in stack.chat(sender, text)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_crashed_action_server_is_said_and_the_answers_are_kept(own_stack, language):
    sender = f"fault-{language}-{uuid.uuid4().hex[:8]}"
    fr = language == "fr"
    play(own_stack, sender, up_to_treatments(language)[:3], language)
    own_stack.stop_actions()
    try:
        replies = reply_names(own_stack, sender, "à Laval" if fr else "I live in Montreal")
        assert replies[0] == (TECHNICAL_PROBLEM, language)
        assert all(name == TECHNICAL_PROBLEM or name.startswith("utter_ask_residence") for name, _ in replies)
    finally:
        own_stack.start_actions()
    play(own_stack, sender, up_to_treatments(language)[3:], language)
    slots = own_stack.api("get", f"/conversations/{sender}/tracker").json()["slots"]
    assert slots["health_consent"] is True and slots["red_flags"] is False


OUT_OF_SCOPE = {"fr": "c'est quoi la meilleure recette de tourtière", "en": "what's the best recipe for pancakes"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_the_action_server_an_unanswerable_message_gets_its_usual_answer(own_stack, language):
    sender = f"quiet-{language}-{uuid.uuid4().hex[:8]}"
    own_stack.stop_actions()
    try:
        replies = reply_names(own_stack, sender, OUT_OF_SCOPE[language])
    finally:
        own_stack.start_actions()

    assert replies == [("utter_out_of_scope", language)]


PERSONAL = {
    "fr": {"name": "Gisèle Bélanger-Ouellet", "email": "gisele.belanger{tag}@videotron.ca", "phone": "(438) 555-0147"},
    "en": {"name": "Hannah Whitcombe", "email": "hannah.whitcombe{tag}@example.ca", "phone": "613 555 0182"},
}
HEALTH = {"fr": "une sténose lombaire qui me réveille la nuit", "en": "lumbar stenosis that wakes me at night"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_logs_keep_no_name_e_mail_phone_or_health_answer(own_stack, language):
    fr = language == "fr"
    tag = uuid.uuid4().hex[:6]
    person = {key: value.format(tag=tag) for key, value in PERSONAL[language].items()}
    sender = f"privacy-{language}-{tag}"
    turns = [
        (START[language], None),
        (CONSENT[language], None),
        (NO[language], None),
        ("à Laval" if fr else "I live in Montreal", None),
        (HEALTH[language], None),
    ]
    for text, _ in turns:
        assert own_stack.chat(sender, text)
    # A message that makes the server fail while it handles it: the action server is down.
    own_stack.stop_actions()
    try:
        own_stack.chat(sender, f"{person['name']}, {person['email']}, {person['phone']}")
    finally:
        own_stack.start_actions()
    for text in ("annuler" if fr else "cancel", "parler à quelqu'un" if fr else "talk to a person", YES[language]):
        own_stack.chat(sender, text)
    for text in (YES[language], person["name"], f"{person['email']} {person['phone']}", "le soir" if fr else "evening"):
        own_stack.chat(sender, text)
    logs = {path.name: path.read_text(errors="replace") for path in own_stack.log_dir.glob("*.log")}
    digits = "".join(char for char in person["phone"] if char.isdigit())
    for name, log in logs.items():
        for secret in (person["name"], person["email"], person["phone"], HEALTH[language]):
            assert secret not in log, f"{secret!r} in {name}"
        assert digits[-7:] not in log.replace("-", "").replace(" ", ""), f"the phone number in {name}"
