"""Blocking use from code without an event loop: the async client and writer on a private loop in a thread."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Iterable, Optional

from .client import PersistenceClient, SessionLike, TaskLike
from .writer import PersistenceWriter
from .writer_options import WriterOptions


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="persistence-client", daemon=True)
        self._thread.start()

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class SyncPersistenceClient:
    """:class:`PersistenceClient`'s calls, blocking; the list calls return lists. Close it (``with``) when done:
    closing also closes its writer, sending what that holds within its shutdown timeout."""

    def __init__(self, base_url: str, api_key: Optional[str], **options: Any) -> None:
        self.client = PersistenceClient(base_url, api_key, **options)
        self._thread = _LoopThread()
        self._writer: Optional[PersistenceWriter] = None

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.client, name)
        if name.startswith("list_"):
            return lambda *args, **kwargs: self._thread.run(_collect(call(*args, **kwargs)))
        if asyncio.iscoroutinefunction(call):
            return lambda *args, **kwargs: self._thread.run(call(*args, **kwargs))
        raise AttributeError(name)

    def writer(self, options: Optional[WriterOptions] = None, **settings: Any) -> "SyncPersistenceWriter":
        """The client's one buffered writer, started; thread-safe to enqueue into from any thread."""
        if self._writer is None:
            async def start() -> PersistenceWriter:
                return self.client.writer(options, **settings).start()
            self._writer = self._thread.run(start())
        return SyncPersistenceWriter(self._writer, self._thread)

    def close(self) -> None:
        if self._writer is not None:
            self._thread.run(self._writer.close())
        self._thread.stop()

    def __enter__(self) -> "SyncPersistenceClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class SyncPersistenceWriter:
    """The writer's calls, blocking only until the record is queued (or refused), never on the network."""

    def __init__(self, writer: PersistenceWriter, thread: _LoopThread) -> None:
        self._writer = writer
        self._thread = thread

    @property
    def counters(self):
        return self._writer.counters

    def persist_session(self, session: SessionLike) -> bool:
        return self._thread.run(self._writer.enqueue_session(session))

    def persist_tasks(self, tasks: Iterable[TaskLike]) -> bool:
        return self._thread.run(self._writer.persist_tasks(list(tasks)))

    def flush(self, timeout: Optional[float] = None) -> None:
        self._thread.run(self._writer.flush(timeout))

    def flush_all(self, timeout: Optional[float] = None):
        return self._thread.run(self._writer.flush_all(timeout))


async def _collect(items: Any) -> list:
    return [item async for item in items]
