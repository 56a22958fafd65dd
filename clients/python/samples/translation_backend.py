"""A sample back end: drives one translation session of tasks through their lifecycle with the seed's three calls.

    PERSISTENCE_URL=http://127.0.0.1:8000 PERSISTENCE_API_KEY=dev.… python3 samples/translation_backend.py --tasks 20

It registers a session and its tasks (pending), works on them (processing, then completed; every seventh fails),
pauses half-way and flushes as the seed does on pause, then resumes the way a restarted back end would: it finds the
session among the incomplete ones, restores its unfinished tasks, and finishes them. The last line it prints is a
JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

try:
    import persistence_client  # noqa: F401
except ImportError:  # run from the repository without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from persistence_client import PersistenceClient, ReadConsistency, SessionRecord, TaskRecord

TEXTS = ["Hello", "Good morning", "Thank you", "Where is the station?", "See you tomorrow"]


def now() -> datetime:
    return datetime.now(timezone.utc)


class Backend:
    """The back end's own state of one session; every change is persisted through the writer, never awaited on."""

    def __init__(self, client: PersistenceClient, writer, session_id: str, count: int) -> None:
        self.client = client
        self.writer = writer
        self.started = now()
        self.session = SessionRecord(session_id=session_id, status="pending", source_lang="en", target_langs=["de"],
                                     total_tasks=count, completed_tasks=0, failed_tasks=0, created_at=self.started,
                                     updated_at=self.started, metadata={"sample": "translation_backend"})
        self.tasks = {
            f"{session_id}-t{i:03}": TaskRecord(
                task_id=f"{session_id}-t{i:03}", session_id=session_id, batch_id=f"{session_id}-b{i // 10}",
                status="pending", source_lang="en", target_lang="de", source_text=TEXTS[i % len(TEXTS)], attempts=0,
                created_at=self.started, updated_at=self.started)
            for i in range(count)
        }

    async def save_session(self, **changes) -> None:
        self.session = SessionRecord(**{**self.session.__dict__, **changes, "updated_at": now()})
        await self.writer.persist_session(self.session)

    async def save_task(self, task_id: str, **changes) -> None:
        self.tasks[task_id] = TaskRecord(**{**self.tasks[task_id].__dict__, **changes, "updated_at": now()})
        await self.writer.persist_tasks([self.tasks[task_id]])

    async def start(self) -> None:
        await self.writer.persist_session(self.session)
        await self.writer.persist_tasks(list(self.tasks.values()))
        await self.save_session(status="processing")

    async def work(self, task_ids) -> None:
        for task_id in task_ids:
            task = self.tasks[task_id]
            await self.save_task(task_id, status="processing", attempts=(task.attempts or 0) + 1)
            if int(task_id.rsplit("t", 1)[1]) % 7 == 6:
                await self.save_task(task_id, status="failed", error="engine timeout")
            else:
                await self.save_task(task_id, status="completed", translated_text=f"[de] {task.source_text}")
            finished = [t for t in self.tasks.values() if t.status in ("completed", "failed")]
            await self.save_session(completed_tasks=sum(t.status == "completed" for t in finished),
                                    failed_tasks=sum(t.status == "failed" for t in finished))

    async def pause(self) -> None:
        await self.save_session(status="paused")
        await self.writer.flush_all(timeout=60)


async def resume(client: PersistenceClient, session_id: str) -> list[str]:
    """What a restarted back end does: find the session among the incomplete ones and restore its unfinished tasks."""
    incomplete = [s.session_id async for s in client.list_incomplete_sessions(page_size=200) if s.session_id == session_id]
    if not incomplete:
        raise SystemExit(f"{session_id} is not among the incomplete sessions")
    async with await client.restore_session(session_id, ReadConsistency.STRONG) as package:
        restored = await package.json()
    if not restored.get("complete"):
        raise SystemExit("the restore package was cut short")
    return sorted(task["task_id"] for task in restored["tasks"])


async def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--tasks", type=int, default=20)
    arguments.add_argument("--session-id", default="sample-" + uuid.uuid4().hex[:10])
    options = arguments.parse_args()

    client = PersistenceClient.from_environment()
    async with client.writer(max_batch_delay=0.05) as writer:
        backend = Backend(client, writer, options.session_id, options.tasks)
        await backend.start()
        ids = sorted(backend.tasks)
        await backend.work(ids[: len(ids) // 2])
        await backend.pause()

        unfinished = await resume(client, options.session_id)
        await backend.save_session(status="processing")
        await backend.work(unfinished)
        await backend.save_session(status="completed")
        await writer.flush_all(timeout=60)
        counters = writer.counters

    print(json.dumps({
        "session_id": options.session_id,
        "tasks": options.tasks,
        "resumed_tasks": len(unfinished),
        "completed": backend.session.completed_tasks,
        "failed": backend.session.failed_tasks,
        "delivered": counters.delivered,
        "undelivered": counters.undelivered,
    }))
    return 0 if counters.undelivered == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
