"""Live hand-off: the waiting conversations, and one conversation taken over by a coordinator.

The list and a conversation's messages are JSON that the pages' small script polls every two
seconds (static/conversations.js), so new requests and new messages show without a reload.
Claiming is the database's conditional update (:mod:`actions.leads.live`), then the Rasa server
pauses the assistant and tells the person (:mod:`console.rasa_link`); replies and the give-back
go through the Rasa server, which owns the person's channel. Every opening of a conversation,
claim, reply, give-back and close is in the audit log (the page's own polls are not); replies
also go into the lead's transcript when there is a lead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from actions.leads import live
from actions.leads.models import Lead, LiveConversation
from actions.leads.repository import LeadRepository
from console import audit, rasa_link
from console.labels import label
from console.pages import error_page, render, see_other, staff_of, unit_of_work
from console.settings import ConsoleSettings

REPLY_LIMIT = 2000
# What a refusal of the Rasa server means for the coordinator (a label's key).
NOTICES = {
    "claimed": "notice_taken",
    "not_claimed": "notice_taken_back",
    "window_closed": "notice_window_closed",
    "unreachable": "notice_rasa_down",
    "busy": "notice_rasa_down",
    "not_configured": "notice_not_configured",
    "channel_unavailable": "notice_channel_unavailable",
}
SHOWN_NOTICES = frozenset({*NOTICES.values(), "notice_handed_back", "notice_closed", "notice_not_yours"})


def register(app: Sanic) -> None:
    """Adds the routes of this module to ``app``."""
    app.add_route(conversations, "/conversations", methods=["GET"])
    app.add_route(conversations_json, "/conversations/list.json", methods=["GET"])
    app.add_route(conversation_page, "/conversations/<row_id:int>", methods=["GET"])
    app.add_route(messages_json, "/conversations/<row_id:int>/messages.json", methods=["GET"])
    app.add_route(claim, "/conversations/<row_id:int>/claim", methods=["POST"])
    app.add_route(reply, "/conversations/<row_id:int>/reply", methods=["POST"])
    app.add_route(release, "/conversations/<row_id:int>/release", methods=["POST"])


def _settings(request: Request) -> ConsoleSettings:
    return request.app.ctx.settings


def _notice(request: Request) -> str | None:
    notice = request.args.get("notice")
    return notice if notice in SHOWN_NOTICES else None


# --- The list -------------------------------------------------------------------------------------


def listing(request: Request) -> list[dict[str, Any]]:
    """The open conversations as the page shows them, in the coordinator's language."""
    settings, me, now = _settings(request), staff_of(request), datetime.now(UTC)
    language = me.language
    with unit_of_work(request) as db:
        rows = live.open_conversations(db, now, settings.claim_timeout)
        leads = {row.id: _lead_of(db, row.id) for row in rows}
        return [
            {
                "id": row.id,
                "url": f"/conversations/{row.id}",
                "channel": label(f"channel_{row.channel}", language),
                "language": label(f"lang_{row.language}", language),
                "waiting": _duration(now - row.requested_at, language),
                "requested_at": row.requested_at.isoformat(),
                "state": "waiting" if row.waiting else ("mine" if row.coordinator == me.name else "others"),
                "coordinator": row.coordinator,
                "lead": leads[row.id].id if leads[row.id] else None,
            }
            for row in rows
        ]


def _duration(elapsed: timedelta, language: str) -> str:
    minutes = max(0, int(elapsed.total_seconds() // 60))
    if minutes < 60:
        return label("minutes", language, count=minutes)
    return label("hours_minutes", language, hours=minutes // 60, minutes=minutes % 60)


def _lead_of(db: Any, row_id: int) -> Lead | None:
    found = db.get(LiveConversation, row_id)
    if found is None:
        return None
    return LeadRepository(db).find_conversation(found.channel, found.conversation_id)


async def conversations(request: Request) -> HTTPResponse:
    """The waiting conversations, the coordinator's own and the others'."""
    rows = listing(request)
    return render(
        request,
        "conversations.html",
        rows=rows,
        waiting=sum(row["state"] == "waiting" for row in rows),
        configured=bool(_settings(request).handoff_secret),
        notice=_notice(request),
    )


async def conversations_json(request: Request) -> HTTPResponse:
    """The list, for the page's poll."""
    rows = listing(request)
    return json({"rows": rows, "waiting": sum(row["state"] == "waiting" for row in rows)})


# --- One conversation -------------------------------------------------------------------------------


def _row(request: Request, row_id: int) -> LiveConversation | None:
    with unit_of_work(request) as db:
        found = db.get(LiveConversation, row_id)
        if found is not None:
            db.expunge(found)
        return found


async def _view(request: Request, found: LiveConversation) -> rasa_link.Answer:
    settings = _settings(request)
    return await rasa_link.call(settings.rasa_url, settings.handoff_secret, "view", found.conversation_id)


def _messages(view: dict[str, Any], language: str) -> list[dict[str, Any]]:
    return [
        {**message, "who": message.get("coordinator") or label(f"speaker_{message['speaker']}", language)}
        for message in view.get("messages") or []
    ]


async def conversation_page(request: Request, row_id: int) -> HTTPResponse:
    """The whole conversation, who holds it, and the reply and give-back forms for its holder."""
    found = _row(request, row_id)
    if found is None:
        return error_page(request, 404)
    answer = await _view(request, found)
    me = staff_of(request)
    with unit_of_work(request) as db:
        lead_id = _lead_id(db, found)
        if answer.ok:
            audit.record(db, me.name, "view", lead_id, f"conversation {row_id}")
    holder = answer.data.get("coordinator") if answer.ok else None
    return render(
        request,
        "conversation.html",
        row=found,
        lead_id=lead_id,
        reachable=answer.ok,
        messages=_messages(answer.data, me.language) if answer.ok else [],
        holder=holder,
        mine=holder == me.name and live.held_by(found, me.name, datetime.now(UTC), _settings(request).claim_timeout),
        window_open=answer.data.get("window_open", True),
        notice=_notice(request) or (NOTICES.get(answer.error or "") if not answer.ok else None),
    )


async def messages_json(request: Request, row_id: int) -> HTTPResponse:
    """The conversation's messages and state, for the page's poll.

    When the Rasa server has taken a conversation back (a stale claim ended by the person's
    message), the console's row follows: it is waiting again.
    """
    found = _row(request, row_id)
    if found is None:
        return json({"error": "not_found"}, status=404)
    answer = await _view(request, found)
    if not answer.ok:
        return json(
            {
                "error": answer.error,
                "notice": label(NOTICES.get(answer.error or "", "notice_rasa_down"), staff_of(request).language),
            },
            status=502,
        )
    me = staff_of(request)
    holder = answer.data.get("coordinator")
    if found.status == "claimed" and found.coordinator and holder != found.coordinator:
        with unit_of_work(request) as db:
            live.requeue(db, row_id, found.coordinator, datetime.now(UTC))
    return json(
        {
            "messages": _messages(answer.data, me.language),
            "holder": holder,
            "mine": holder == me.name,
            "window_open": answer.data.get("window_open", True),
        }
    )


async def claim(request: Request, row_id: int) -> HTTPResponse:
    """Takes the conversation over: exactly one of several coordinators claiming at once wins."""
    me, settings, now = staff_of(request), _settings(request), datetime.now(UTC)
    found = _row(request, row_id)
    if found is None:
        return error_page(request, 404)
    with unit_of_work(request) as db:
        won = live.claim(db, row_id, me.name, now, settings.claim_timeout)
        if won:
            audit.record(db, me.name, "claim", _lead_id(db, found), f"conversation {row_id}")
    if not won:
        return see_other(f"/conversations/{row_id}?notice=notice_taken")
    answer = await rasa_link.call(
        settings.rasa_url, settings.handoff_secret, "claim", found.conversation_id, coordinator=me.name
    )
    if not answer.ok:
        with unit_of_work(request) as db:
            live.requeue(db, row_id, me.name, datetime.now(UTC))
        return see_other(f"/conversations/{row_id}?notice={NOTICES.get(answer.error or '', 'notice_rasa_down')}")
    return see_other(f"/conversations/{row_id}")


async def reply(request: Request, row_id: int) -> HTTPResponse:
    """Sends the coordinator's reply on the person's channel, and keeps it in the lead's transcript."""
    me, settings = staff_of(request), _settings(request)
    text = (request.form.get("text") or "").strip()
    if not text or len(text) > REPLY_LIMIT:
        return error_page(request, 400)
    found = _row(request, row_id)
    if found is None:
        return error_page(request, 404)
    if not live.held_by(found, me.name, datetime.now(UTC), settings.claim_timeout):
        return see_other(f"/conversations/{row_id}?notice=notice_not_yours")
    answer = await rasa_link.call(
        settings.rasa_url, settings.handoff_secret, "reply", found.conversation_id, coordinator=me.name, text=text
    )
    with unit_of_work(request) as db:
        if answer.ok:
            live.touch(db, row_id, me.name, datetime.now(UTC))
            lead_id = _keep_in_lead(db, found, answer.data)
            audit.record(db, me.name, "reply", lead_id, f"conversation {row_id}")
        elif answer.error == "not_claimed":
            live.requeue(db, row_id, me.name, datetime.now(UTC))
    if not answer.ok:
        return see_other(f"/conversations/{row_id}?notice={NOTICES.get(answer.error or '', 'notice_rasa_down')}")
    return see_other(f"/conversations/{row_id}#reply")


async def release(request: Request, row_id: int) -> HTTPResponse:
    """Gives the conversation back to the assistant, or closes it; the person is told either way."""
    me, settings = staff_of(request), _settings(request)
    how = request.form.get("how")
    if how not in ("give_back", "close"):
        return error_page(request, 400)
    found = _row(request, row_id)
    if found is None:
        return error_page(request, 404)
    answer = await rasa_link.call(
        settings.rasa_url, settings.handoff_secret, "release", found.conversation_id, coordinator=me.name, how=how
    )
    if not answer.ok and answer.error != "not_claimed":
        return see_other(f"/conversations/{row_id}?notice={NOTICES.get(answer.error or '', 'notice_rasa_down')}")
    with unit_of_work(request) as db:
        done = live.release(db, row_id, me.name, "handed_back" if how == "give_back" else "closed", datetime.now(UTC))
        lead_id = _keep_in_lead(db, found, answer.data) if answer.ok else _lead_id(db, found)
        if done:
            audit.record(db, me.name, how, lead_id, f"conversation {row_id}")
    if not done:
        return see_other(f"/conversations/{row_id}?notice=notice_not_yours")
    return see_other(f"/conversations?notice={'notice_handed_back' if how == 'give_back' else 'notice_closed'}")


def _lead_id(db: Any, found: LiveConversation) -> int | None:
    lead = LeadRepository(db).find_conversation(found.channel, found.conversation_id)
    return lead.id if lead else None


def _keep_in_lead(db: Any, found: LiveConversation, view: dict[str, Any]) -> int | None:
    """Adds the messages since the claim to the lead's transcript; the lead's id, if there is one."""
    repository = LeadRepository(db)
    lead = repository.find_conversation(found.channel, found.conversation_id)
    if lead is None:
        return None
    since = (found.claimed_at or datetime.now(UTC)) - timedelta(seconds=5)
    lines = [
        {"at": message["at"], "speaker": message["speaker"], "text": message["text"]}
        for message in view.get("messages") or []
        if datetime.fromisoformat(message["at"]) >= since
    ]
    repository.add_transcript_lines(lead, lines)
    return lead.id
