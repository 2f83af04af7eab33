"""Rasa's HTTP API, which reads and changes every conversation, is closed by default.

``make run`` and ``make serve`` start the server through ``python -m bot.server``: without
``SOS_RASA_API_TOKEN`` no API route exists; with it, each route needs the token. Both stacks
still answer patients on their channels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tools.stack import RasaStack

pytestmark = pytest.mark.server

# Every route of Rasa 3.6's HTTP API that reads or changes state, with a harmless body.
ROUTES = [
    ("get", "/status", None),
    ("get", "/conversations/patient-1/tracker", None),
    ("post", "/conversations/patient-1/tracker/events", {"event": "slot", "name": "language", "value": "en"}),
    ("put", "/conversations/patient-1/tracker/events", []),
    ("get", "/conversations/patient-1/story", None),
    ("post", "/conversations/patient-1/execute", {"name": "utter_greet"}),
    ("post", "/conversations/patient-1/trigger_intent", {"name": "greet"}),
    ("post", "/conversations/patient-1/predict", None),
    ("post", "/conversations/patient-1/messages", {"text": "bonjour", "sender": "user"}),
    ("post", "/model/parse", {"text": "bonjour"}),
    ("post", "/model/predict", []),
    ("get", "/domain", None),
    ("put", "/model", {"model_file": "models/other.tar.gz"}),
    ("delete", "/model", None),
    ("post", "/model/train", None),
    ("post", "/model/test/intents", None),
]
QUESTIONS = {"fr": "Combien coûte une chirurgie du dos en France?", "en": "How much does back surgery cost in France?"}


@pytest.fixture(scope="module")
def closed_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> RasaStack:
    """The servers as ``make run`` starts them when no token is set."""
    with RasaStack(trained_model, tmp_path_factory.mktemp("closed-api"), api=False) as running:
        yield running


def _call(stack: RasaStack, method: str, path: str, body, params=None) -> requests.Response:
    return requests.request(method, f"{stack.base_url}{path}", json=body, params=params, timeout=30)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_without_a_token_set_no_api_route_exists(closed_stack, method, path, body):
    assert _call(closed_stack, method, path, body).status_code in (404, 405)


def test_a_plain_text_post_from_a_web_page_cannot_write_events(closed_stack, stack):
    for target in (closed_stack, stack):
        reply = requests.post(
            f"{target.base_url}/conversations/patient-2/tracker/events",
            data='{"event": "slot", "name": "consent_given", "value": true}',
            headers={"Content-Type": "text/plain"},
            timeout=30,
        )
        assert reply.status_code in (401, 403, 404, 405)
    tracker = stack.api("get", "/conversations/patient-2/tracker").json()
    assert tracker["slots"].get("consent_given") is None


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_with_a_token_set_every_api_route_wants_it(stack, method, path, body):
    assert _call(stack, method, path, body).status_code in (401, 403)
    assert _call(stack, method, path, body, params={"token": "not-the-token"}).status_code in (401, 403)


def test_delete_model_is_refused_and_patients_still_get_answers(stack):
    assert _call(stack, "delete", "/model", None).status_code == 401
    reply = stack.chat("after-delete", QUESTIONS["en"])
    assert reply and reply[0]["text"]


def test_the_token_opens_the_api(stack):
    assert stack.api("get", "/status").status_code == 200


@pytest.mark.parametrize("language", QUESTIONS)
def test_the_closed_server_still_answers_on_its_channels(closed_stack, language):
    reply = closed_stack.chat(f"closed-{language}", QUESTIONS[language], metadata={"language": language})
    assert reply and reply[0]["text"]
