"""The deployment set-up: two Rasa server processes sharing conversations through Redis.

Each request opens its own connection, as behind a reverse proxy, so the turns of one
conversation, and the copies of one Meta delivery, go to either process. The hand-off paths
also run on this set-up (``tests/e2e/test_handoff_server.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.bot.channels.test_messenger import (
    actions_of,
    envelope,
    messages_of,
    new_psid,
    post_webhook,
    responses,
    text_event,
)
from tests.bot.channels.test_whatsapp import (
    COST_QUESTION,
    SETTLE_S,
    identify,
    new_wa_id,
    post,
    text_message,
    user_events,
)
from tests.bot.channels.test_whatsapp import envelope as whatsapp_envelope
from tests.e2e.test_handoff_server import START, play, up_to_treatments
from tools.content import LANGUAGES

pytestmark = pytest.mark.server

COPIES = 4
CONCURRENT_PEOPLE = 6


@pytest.mark.parametrize("language", LANGUAGES)
def test_conversations_go_on_whichever_process_answers_each_turn(scaled_stack, sender, language):
    stack, _ = scaled_stack
    workers = stack.worker_pids()
    assert len(workers) == 2
    before = {pid: stack.cpu_ticks(pid) for pid in workers}
    turns = up_to_treatments(language)
    # Twice through the questions, cancelled in between (consent is kept): 14 turns each.
    cancel = ("annuler" if language == "fr" else "cancel", ["utter_form_cancelled"])
    again = (START[language], ["utter_start_eligibility", "utter_ask_red_flags"])
    # Several people at once: a busy process leaves the next connection to the other one, so
    # each conversation's turns are spread over both (one person alone would keep to one).
    with ThreadPoolExecutor(CONCURRENT_PEOPLE) as pool:
        done = [
            pool.submit(play, stack, f"{sender}-{person}", turns + [cancel, again] + turns[2:], language)
            for person in range(CONCURRENT_PEOPLE)
        ]
        for person in done:
            person.result()
    busy = [pid for pid in workers if stack.cpu_ticks(pid) - before[pid] >= 20]
    assert busy == workers, "each process should have answered a share of the turns"


def _deliver_at_once(post_copy: Callable[[], requests.Response]) -> None:
    """Posts ``COPIES`` copies of one delivery at the same time: while one process works on the
    first, the kernel gives the other connections to the other process."""
    with ThreadPoolExecutor(COPIES) as pool:
        replies = list(pool.map(lambda _: post_copy(), range(COPIES)))
    assert [reply.status_code for reply in replies] == [200] * COPIES


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_messenger_message_delivered_several_times_is_answered_once(scaled_stack, fake_graph, language):
    stack, _ = scaled_stack
    psid = new_psid()
    event = text_event(psid, COST_QUESTION[language])
    _deliver_at_once(lambda: post_webhook(stack, envelope(event)))
    fake_graph.wait_for(psid, lambda sent: "typing_off" in actions_of(sent), timeout=60)
    time.sleep(SETTLE_S * 5)
    assert actions_of(fake_graph.sent_to(psid)).count("typing_off") == 1
    assert responses(messages_of(fake_graph.sent_to(psid))) == [("utter_faq/cost_france", language)]
    assert [event["text"] for event in user_events(stack, psid, 1)] == [COST_QUESTION[language]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whatsapp_message_delivered_several_times_is_answered_once(scaled_stack, fake_graph, language):
    stack, _ = scaled_stack
    wa_id = new_wa_id()
    payload = whatsapp_envelope(wa_id, [text_message(wa_id, COST_QUESTION[language])])
    _deliver_at_once(lambda: post(stack, payload))
    fake_graph.wait_for(wa_id, lambda sent: len(sent) >= 1, timeout=60)
    time.sleep(SETTLE_S * 5)
    (answer,) = fake_graph.sent_to(wa_id)
    assert identify(answer) == ("utter_faq/cost_france", language)
    assert [event["text"] for event in user_events(stack, wa_id, 1)] == [COST_QUESTION[language]]
