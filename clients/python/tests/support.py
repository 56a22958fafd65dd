"""What the tests share: the package from ``src`` (no install needed), the stack's address and key from the
environment, record builders, and the control channel through which a fault test asks its .NET driver to act."""

from __future__ import annotations

import os
import sys
import unittest
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from persistence_client import PersistenceClient, SessionRecord, TaskRecord  # noqa: E402

URL = os.environ.get("PERSISTENCE_URL")
API_KEY = os.environ.get("PERSISTENCE_API_KEY")
CONTROL_PREFIX = "@@control "

needs_stack = unittest.skipUnless(
    URL and API_KEY, "needs a running stack: set PERSISTENCE_URL and PERSISTENCE_API_KEY (see clients/python/README.md)")


needs_control = unittest.skipUnless(
    os.environ.get("PERSISTENCE_CONTROL") == "stdio",
    "needs the .NET driver to act on the stack (tests/Integration.Tests/Python sets PERSISTENCE_CONTROL=stdio)")


def client(api_key: str | None = None, **options) -> PersistenceClient:
    return PersistenceClient(URL, api_key or API_KEY, **options)


def prefix() -> str:
    """A fresh id prefix, so tests sharing a stack never see each other's rows."""
    return "py" + uuid.uuid4().hex[:10]


def moment(seconds: float = 0) -> datetime:
    """A time a minute ago, plus ``seconds``: versions of one record differ by their offset."""
    return datetime.now(timezone.utc) - timedelta(minutes=1) + timedelta(seconds=seconds)


def session(session_id: str, status: str = "processing", version: float = 0, **fields) -> SessionRecord:
    fields.setdefault("source_lang", "en")
    fields.setdefault("target_langs", ["de"])
    return SessionRecord(session_id=session_id, status=status, created_at=moment(), updated_at=moment(version), **fields)


def task(task_id: str, session_id: str, status: str = "pending", version: float = 0, **fields) -> TaskRecord:
    fields.setdefault("source_lang", "en")
    fields.setdefault("target_lang", "de")
    fields.setdefault("source_text", "Hello")
    return TaskRecord(task_id=task_id, session_id=session_id, status=status, created_at=moment(), updated_at=moment(version), **fields)


def control(action: str) -> None:
    """Asks the driver (tests/Integration.Tests/Python) to act on the stack, such as ``stop-gateway``, and waits until
    it has: one line out on stdout, one line back on stdin. unittest writes its own output to stderr."""
    if os.environ.get("PERSISTENCE_CONTROL") != "stdio":
        raise unittest.SkipTest("needs the .NET driver to act on the stack (PERSISTENCE_CONTROL=stdio)")
    sys.stdout.write(CONTROL_PREFIX + action + "\n")
    sys.stdout.flush()
    answer = sys.stdin.readline().strip()
    if answer != "ok":
        raise AssertionError(f"the driver could not {action}: {answer or 'no answer'}")
