"""Live hand-off on the deployment set-up: two Rasa server processes sharing Redis, PostgreSQL.

A patient in the widget (real Chromium) is connected to one of the two processes; the
coordinator's replies are handled by whichever process the console's requests reach, and every
one of them still reaches the patient (python-socketio's Redis manager). Then the Rasa server is
restarted while the conversation is claimed: the claim holds (it is in the conversation, in
Redis), the assistant stays silent, and the coordinator answers and gives it back as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from console import rasa_link
from console.labels import label
from tests.console.test_live_handoff_browser import (
    BOT,
    LAUNCHER,
    Live,
    log_in,
    row_of,
    tracker_events,
    widget_bot_texts,
    widget_send,
    widget_wait,
)
from tests.support.console import ConsoleClient, ConsoleServer, add_account
from tests.support.stack import handoff_secret
from tools.content import training_examples
from tools.stack import RasaStack
from tools.web import WebPage

pytestmark = pytest.mark.server

REPLIES = 8


@pytest.fixture(scope="module")
def scaled_live(scaled_stack: tuple[RasaStack, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A console on the scaled stack's PostgreSQL database, and the demo pages on its Rasa server."""
    stack, database_url = scaled_stack
    env = {
        "SOS_DATA_DIR": stack.env["SOS_DATA_DIR"],
        "SOS_DATABASE_URL": database_url,
        "SOS_RASA_URL": stack.base_url,
        "SOS_HANDOFF_SECRET": handoff_secret(),
    }
    with (
        WebPage(stack.base_url) as site,
        ConsoleServer(env, tmp_path_factory.mktemp("scaled-console")) as console,
    ):
        yield Live(stack, site, console, database_url)


def test_replies_reach_the_widget_from_either_process_and_a_claim_survives_a_restart(
    scaled_live: Live, new_page: Callable[..., Page]
) -> None:
    live, language = scaled_live, "fr"
    patient = new_page()
    patient.goto(live.site.url)
    patient.locator(LAUNCHER).click()
    widget_send(patient, training_examples()[language]["request_human"][0])
    widget_wait(patient, 2)
    session_id = patient.evaluate("() => JSON.parse(sessionStorage.getItem('sos-chat')).sessionId")
    row = row_of(live, "socketio", session_id)
    add_account(live.database_url, "scaled-claire", "coordinator")
    coordinator = new_page()
    log_in(coordinator, live, "scaled-claire", language)
    coordinator.goto(f"{live.console.url}/conversations/{row.id}")
    coordinator.get_by_role("button", name=label("take_over", language)).click()
    assert widget_wait(patient, 3)[2] == "utter_coordinator_joined"

    # Several replies at once, each on a connection of its own: both processes handle some. They
    # wait for each other on the conversation's lock, and on a loaded machine the last may wait
    # longer than a single request would: the client waits for the console's own answer (a
    # redirect with a notice if the Rasa server did not answer in time), which the test reads.
    client = ConsoleClient(live.console.url, timeout=rasa_link.TIMEOUT_S + 15)
    client.log_in("scaled-claire")
    token = client.csrf(f"/conversations/{row.id}")
    texts = [f"Réponse n° {number}" for number in range(REPLIES)]
    with ThreadPoolExecutor(REPLIES) as pool:
        answers = list(
            pool.map(
                lambda text: client.post(f"/conversations/{row.id}/reply", {"csrf": token, "text": text}),
                texts,
            )
        )
    assert [answer.headers.get("Location") for answer in answers] == [f"/conversations/{row.id}#reply"] * REPLIES
    widget_wait(patient, 3 + REPLIES)
    assert sorted(widget_bot_texts(patient)[3:]) == sorted(texts)

    # The Rasa server restarts while the conversation is claimed: the claim holds.
    live.stack.restart_rasa()
    expect(patient.locator(".sos-chat__lost")).to_have_count(0)
    widget_send(patient, "Êtes-vous encore là?")
    expect(coordinator.locator("#messages li.line-patient").last).to_contain_text("encore là", timeout=30_000)
    time.sleep(2)
    assert patient.locator(BOT).count() == 3 + REPLIES
    coordinator.locator("#reply-text").fill("Oui, toujours là.")
    coordinator.get_by_role("button", name=label("send", language)).click()
    widget_wait(patient, 4 + REPLIES)
    assert widget_bot_texts(patient)[-1] == "Oui, toujours là."

    coordinator.get_by_role("button", name=label("give_back", language)).click()
    assert widget_wait(patient, 5 + REPLIES)[-1] == "utter_coordinator_handed_back"
    pauses = [
        event["event"] for event in tracker_events(live.stack, session_id) if event["event"] in ("pause", "resume")
    ]
    assert pauses == ["pause", "resume"]
