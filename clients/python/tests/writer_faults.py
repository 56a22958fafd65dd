"""What both fault tests share: each task written twice (pending, then completed a second later), so a resend of the
older version that overtook the newer one would show as a pending row. Every task must arrive, exactly once, at its
newest version."""

from __future__ import annotations

import asyncio

import support
from persistence_client import PersistenceClient, PersistenceWriter, ReadConsistency

TASKS = 2000


async def produce(writer: PersistenceWriter, p: str, over: float) -> None:
    """Enqueues the session and every task twice, spread over ``over`` seconds; never awaits the network."""
    assert await writer.enqueue_session(support.session(f"{p}-s", total_tasks=TASKS))
    pause = over / (TASKS * 2 / 100)
    for version, status in enumerate(("pending", "completed")):
        for i in range(TASKS):
            extra = {"translated_text": "fait"} if status == "completed" else {}
            assert await writer.enqueue_task(support.task(f"{p}-t{i:05}", f"{p}-s", status, version=version, **extra))
            if i % 100 == 99 and pause > 0:
                await asyncio.sleep(pause)


async def assert_every_task_once_at_its_newest_version(test, client: PersistenceClient, p: str) -> None:
    await client.flush_all(timeout=60)
    stored = [t async for t in client.list_tasks(f"{p}-s", page_size=200, consistency=ReadConsistency.STRONG)]
    test.assertEqual([f"{p}-t{i:05}" for i in range(TASKS)], [t.task_id for t in stored])
    test.assertEqual([], [t.task_id for t in stored if t.status != "completed"])
