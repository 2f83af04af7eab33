"""The durable fallback: submissions wait on disk while the database is unreachable.

Each submission is one JSON file (readable by its owner only: it holds health data), written
atomically and named so that names sort in arrival order. ``drain`` stores them in that order
and deletes each file only after its transaction committed; the file's id is stored on the lead,
so a crash between commit and delete cannot store it twice. A file that cannot be read is moved
to ``rejected/`` for a human, never deleted. One daemon thread per spool folder retries while
files wait.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from actions.leads.database import is_unavailable
from actions.leads.records import LeadSubmission
from actions.leads.repository import normalise_email
from actions.leads.service import StoredLead, notify_stored, store_submission
from actions.leads.settings import LeadSettings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
REJECTED = "rejected"
LOCK_FILE = ".lock"
RETRY_THREAD_NAME = "sos-lead-spool"
# What happened to one file besides being stored.
_WAITS = "waits"
_REJECTED = "rejected"

_retriers_lock = threading.Lock()
_retriers: dict[Path, threading.Thread] = {}


@dataclass(frozen=True)
class DrainResult:
    """What a drain did.

    Attributes:
        stored: Leads stored from the spool (new or updated).
        rejected: Files moved to ``rejected/``.
        remaining: Files still waiting.
        unavailable: Whether it stopped because the database cannot take submissions now
            (unreachable, or failing for a reason that is not the file's).
    """

    stored: list[StoredLead]
    rejected: int
    remaining: int
    unavailable: bool


def write(spool_dir: Path, submission: LeadSubmission) -> Path:
    """Writes a submission to the spool atomically (temp file, fsync, rename).

    Args:
        spool_dir: The spool folder (created with mode 0700 if needed).
        submission: What to keep.

    Returns:
        The spool file.

    Raises:
        OSError: The file cannot be written.
    """
    folder = _private_dir(spool_dir)
    spool_id = uuid.uuid4().hex
    path = folder / f"{time.time_ns():020d}-{spool_id}.json"
    document = {
        "format": FORMAT_VERSION,
        "spool_id": spool_id,
        "spooled_at": datetime.now(UTC).isoformat(),
        "submission": submission.to_dict(),
    }
    temporary = folder / f".{path.name}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    _fsync_dir(folder)
    logger.warning("submission spooled as %s", path.name)
    return path


def pending(spool_dir: Path) -> list[Path]:
    """Spool files waiting to be stored, oldest first."""
    if not spool_dir.is_dir():
        return []
    return sorted(path for path in spool_dir.glob("*.json") if not path.name.startswith("."))


def read(path: Path) -> tuple[str, LeadSubmission]:
    """Reads a spool file.

    Args:
        path: A file written by ``write``.

    Returns:
        The file's spool id and its submission.

    Raises:
        OSError: The file cannot be read.
        ValueError: The file is not a valid spooled submission (also for missing fields or
            wrong shapes).
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT_VERSION:
            raise ValueError("unknown spool format")
        return str(document["spool_id"]), LeadSubmission.from_dict(document["submission"])
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a spooled submission: {type(error).__name__}") from None


def drain(settings: LeadSettings) -> DrainResult:
    """Stores the spooled submissions in order, then notifies the team of each.

    Only one drain runs at a time per spool folder, across processes. It stops at the first
    file the database cannot take right now; unreadable files and files whose data the
    database refuses are moved to ``rejected/``.

    Args:
        settings: Database, spool and notification settings.

    Returns:
        What was done.
    """
    if not pending(settings.spool_dir):
        return DrainResult([], 0, 0, False)
    stored: list[StoredLead] = []
    rejected = 0
    unavailable = False
    with _exclusive(settings.spool_dir):
        for path in pending(settings.spool_dir):
            outcome = _store_file(settings, path)
            if outcome == _WAITS:
                unavailable = True
                break
            if outcome == _REJECTED:
                rejected += 1
            elif isinstance(outcome, StoredLead):
                stored.append(outcome)
        remaining = len(pending(settings.spool_dir))
    for lead in stored:
        notify_stored(settings, lead)
    return DrainResult(stored, rejected, remaining, unavailable)


def ensure_retrier(settings: LeadSettings) -> threading.Thread:
    """Starts the spool's retry thread unless it runs already (one per spool folder).

    The thread drains every ``spool_retry_seconds`` and ends once the spool is empty.

    Args:
        settings: Database, spool and notification settings.

    Returns:
        The running thread (a test may join it).
    """
    key = settings.spool_dir.absolute()
    with _retriers_lock:
        thread = _retriers.get(key)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_retry_until_empty, args=(settings,), name=RETRY_THREAD_NAME, daemon=True)
            _retriers[key] = thread
            thread.start()
        return thread


def person_files(spool_dir: Path, emails: set[str], phones: set[str]) -> list[Path]:
    """The spooled and rejected files of a person.

    Args:
        spool_dir: The spool folder.
        emails: The person's e-mail addresses (any case).
        phones: The person's phone numbers (E.164).

    Returns:
        The files whose submission carries one of these contacts.
    """
    emails = {normalise_email(email) for email in emails}
    files = [*pending(spool_dir), *pending(spool_dir / REJECTED)]
    return [path for path in files if _belongs_to(path, emails, phones)]


def remove_person(spool_dir: Path, emails: set[str], phones: set[str]) -> list[str]:
    """Deletes the spooled and rejected files of a person (right to erasure).

    Args:
        spool_dir: The spool folder.
        emails: The person's e-mail addresses (any case).
        phones: The person's phone numbers (E.164).

    Returns:
        Names of the deleted files.
    """
    if not spool_dir.is_dir():
        return []
    with _exclusive(spool_dir):
        files = person_files(spool_dir, emails, phones)
        for path in files:
            path.unlink()
    return [path.name for path in files]


def _store_file(settings: LeadSettings, path: Path) -> StoredLead | str | None:
    """Stores one file: the stored lead, ``None`` if it was stored before, or what stopped it.

    Only what is wrong with the file itself rejects it (unreadable, or data the database
    refuses); any other failure (outage, permissions, schema) leaves it waiting for a fix.
    """
    try:
        spool_id, submission = read(path)
    except (OSError, ValueError) as error:
        _reject(path, f"unreadable ({error})")
        return _REJECTED
    try:
        stored = store_submission(settings, submission, spool_id)
    except (DataError, IntegrityError) as error:
        _reject(path, f"refused by the database ({type(error).__name__})")
        return _REJECTED
    except Exception as error:
        if is_unavailable(error):
            logger.warning("spool file %s waits: database unreachable", path.name)
        else:
            logger.exception("spool file %s waits: storing it failed", path.name)
        return _WAITS
    path.unlink()
    _fsync_dir(path.parent)
    if stored is None:
        logger.info("spool file %s had already been stored; removed", path.name)
    else:
        logger.info("spool file %s stored as lead %s", path.name, stored.lead_id)
    return stored


def _reject(path: Path, reason: str) -> None:
    folder = _private_dir(path.parent / REJECTED)
    os.replace(path, folder / path.name)
    logger.error("spool file %s moved to %s/: %s", path.name, REJECTED, reason)


def _retry_until_empty(settings: LeadSettings) -> None:
    while pending(settings.spool_dir):
        time.sleep(settings.spool_retry_seconds)
        try:
            drain(settings)
        except Exception:
            logger.exception("spool retry failed; trying again later")


def _belongs_to(path: Path, emails: set[str], phones: set[str]) -> bool:
    try:
        submission: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["submission"]
        email = normalise_email(submission.get("email") or "")
        phone = (submission.get("phone") or "").strip()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return bool(email and email in emails) or bool(phone and phone in phones)


def _private_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def _exclusive(spool_dir: Path) -> Iterator[None]:
    folder = _private_dir(spool_dir)
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
