"""A fire-and-forget writer for hot paths: enqueueing never waits on the network."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Iterable, List, Optional

from .batch_queue import BatchQueue, WriterCounters
from .client import PersistenceClient, SessionLike, TaskLike, encoded_batch
from .models import FlushResult, SessionRecord, TaskRecord
from .wire import coerce, dumps
from .writer_options import UndeliveredRecords, WriterOptions

log = logging.getLogger("persistence_client.writer")


class PersistenceWriter:
    """Sends session and task states in batches of up to ``max_batch_size`` records (and ``max_batch_bytes``) or
    after ``max_batch_delay``, one batch in flight per kind. A failed batch is resent, waiting as ``Retry-After`` asks
    (within ``max_retry_delay``), until it is accepted: safe, because the API keeps each record's newest version by
    ``updated_at``. Records the API refuses for good, and those still held when a close outlasts ``shutdown_timeout``,
    go to ``on_undelivered`` and are counted in ``counters.undelivered``.

    Use it from one event loop: ``async with client.writer() as writer:`` starts it and closes it."""

    def __init__(self, client: PersistenceClient, options: Optional[WriterOptions] = None) -> None:
        self._client = client
        self._options = options or WriterOptions()
        self._options.validate()
        self.counters = WriterCounters()
        self._sessions = BatchQueue("sessions", self._options, self._send, self._report, self.counters)
        self._tasks = BatchQueue("tasks", self._options, self._send, self._report, self.counters)
        self._started = False
        self._closing: Optional[asyncio.Task] = None

    # Life ----------------------------------------------------------------------------------------------------------

    def start(self) -> "PersistenceWriter":
        """Starts the sending loops on the running event loop (the first enqueue does it too)."""
        if not self._started and self._closing is None:
            self._sessions.start()
            self._tasks.start()
            self._started = True
        return self

    async def __aenter__(self) -> "PersistenceWriter":
        return self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def close(self, timeout: Optional[float] = None) -> None:
        """Takes no more records and sends what it holds, for at most ``timeout`` seconds (``shutdown_timeout`` when
        None); what is left then is reported undelivered. Calling it again waits for the same close."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._drain(self._options.shutdown_timeout if timeout is None else timeout))
        await asyncio.shield(self._closing)

    async def _drain(self, timeout: float) -> None:
        self._sessions.close()
        self._tasks.close()
        if not self._started:
            return
        done = asyncio.gather(self._sessions.wait_closed(), self._tasks.wait_closed(), return_exceptions=True)
        try:
            await asyncio.wait_for(asyncio.shield(done), timeout)
        except asyncio.TimeoutError:
            self._sessions.abandon()
            self._tasks.abandon()
            await done
        log.info("Writer closed: %r", self.counters)

    # Taking records ------------------------------------------------------------------------------------------------

    @property
    def outstanding(self) -> int:
        """Records taken and not yet delivered or given up."""
        return self._sessions.outstanding + self._tasks.outstanding

    def try_enqueue_session(self, session: SessionLike) -> bool:
        """Takes a session state without waiting: False when the queue is full or the writer closed."""
        record = coerce(SessionRecord, session)
        self.start()
        return self._sessions.try_enqueue(record, dumps(record))

    def try_enqueue_task(self, task: TaskLike) -> bool:
        """Takes a task state without waiting: False when the queue is full or the writer closed."""
        record = coerce(TaskRecord, task)
        self.start()
        return self._tasks.try_enqueue(record, dumps(record))

    async def enqueue_session(self, session: SessionLike) -> bool:
        """Takes a session state; returns at once while there is room. With a full queue it waits for room
        (``FullMode.WAIT``) or returns False (``FullMode.REFUSE``); False too once closed. Never waits on the network."""
        record = coerce(SessionRecord, session)
        self.start()
        return await self._sessions.enqueue(record, dumps(record))

    async def enqueue_task(self, task: TaskLike) -> bool:
        """Takes a task state, as :meth:`enqueue_session` does."""
        record = coerce(TaskRecord, task)
        self.start()
        return await self._tasks.enqueue(record, dumps(record))

    # The seed's calls, buffered --------------------------------------------------------------------------------------

    async def persist_session(self, session: SessionLike) -> bool:
        """Enqueues one session state (the seed's call); see :meth:`enqueue_session`."""
        return await self.enqueue_session(session)

    async def persist_tasks(self, tasks: Iterable[TaskLike]) -> bool:
        """Enqueues task states (the seed's call); True when every one was taken."""
        taken = True
        for task in tasks:
            taken = await self.enqueue_task(task) and taken
        return taken

    async def flush(self, timeout: Optional[float] = None) -> None:
        """Waits until every record taken before the call is delivered (202) or reported undelivered; a timeout
        raises ``asyncio.TimeoutError`` and leaves the records queued."""
        await asyncio.wait_for(asyncio.gather(self._sessions.flush(), self._tasks.flush()), timeout)

    async def flush_all(self, timeout: Optional[float] = None) -> FlushResult:
        """On stop or pause (the seed's call): delivers what this writer holds, then waits until the platform has
        committed everything accepted to MySQL, each step within ``timeout`` seconds."""
        await self.flush(timeout)
        return await self._client.flush_all(timeout)

    # Plumbing -----------------------------------------------------------------------------------------------------------

    async def _send(self, kind: str, records: List[bytes]) -> None:
        await self._client.send_batch(kind, encoded_batch(kind, records))

    def _report(self, records: UndeliveredRecords) -> None:
        if self._options.on_undelivered is not None:
            self._options.on_undelivered(records)
