"""One record kind's bounded queue and its single sending loop."""

from __future__ import annotations

import asyncio
import collections
import logging
import random
from typing import Any, Awaitable, Callable, Deque, List, Optional, Tuple

from .errors import PersistenceApiError
from .writer_options import FullMode, UndeliveredReason, UndeliveredRecords, WriterOptions

log = logging.getLogger("persistence_client.writer")

Entry = Tuple[Any, bytes]  # the record as given, and its JSON


class WriterCounters:
    """What the writer did so far, all kinds together (``by_kind`` splits them)."""

    def __init__(self) -> None:
        self.delivered = 0
        """Records the API accepted (202)."""
        self.undelivered = 0
        """Records given up: refused by the API for good, or held past the shutdown timeout."""
        self.refused = 0
        """Enqueues turned down because the queue was full or the writer closed."""
        self.resends = 0
        """Batches sent again after a retryable failure."""

    def __repr__(self) -> str:
        return f"WriterCounters(delivered={self.delivered}, undelivered={self.undelivered}, refused={self.refused}, resends={self.resends})"


class BatchQueue:
    """Batches by size, bytes and time; resends a batch until it is accepted (the API is idempotent, so a resend of
    a batch that did land is harmless); accounts for every record it took as delivered or given up."""

    def __init__(self, kind: str, options: WriterOptions, send: Callable[[str, List[bytes]], Awaitable[Any]],
                 report: Callable[[UndeliveredRecords], None], counters: WriterCounters) -> None:
        self.kind = kind
        self._options = options
        self._send = send
        self._report = report
        self._counters = counters
        self._queue: Deque[Entry] = collections.deque()
        self._queued_bytes = 0
        self._in_hand: List[List[Entry]] = []
        self._taken = 0
        self._settled = 0
        self._closed = False
        self._data: Optional[asyncio.Future] = None
        self._room: List[asyncio.Future] = []
        self._settle_waiters: List[Tuple[int, asyncio.Future]] = []
        self._loop_task: Optional[asyncio.Task] = None

    @property
    def outstanding(self) -> int:
        """Records taken and not yet delivered or given up."""
        return self._taken - self._settled

    def start(self) -> None:
        self._loop_task = asyncio.get_running_loop().create_task(self._run(), name=f"persistence-writer-{self.kind}")

    # Taking records ----------------------------------------------------------------------------------------------

    def try_enqueue(self, record: Any, encoded: bytes) -> bool:
        if self._take(record, encoded):
            return True
        self._counters.refused += 1
        return False

    async def enqueue(self, record: Any, encoded: bytes) -> bool:
        while not self._take(record, encoded):
            if self._closed or self._options.full_mode is FullMode.REFUSE:
                self._counters.refused += 1
                return False
            waiter = asyncio.get_running_loop().create_future()
            self._room.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._room:
                    self._room.remove(waiter)
        return True

    def _take(self, record: Any, encoded: bytes) -> bool:
        if self._closed:
            return False
        if len(encoded) > self._options.max_batch_bytes:
            # Never sendable, however long the writer tried: reported at once, as the API would refuse it.
            self._taken += 1
            self._give_up([(record, encoded)], UndeliveredReason.REJECTED,
                          ValueError(f"the record's {len(encoded)} bytes exceed max_batch_bytes ({self._options.max_batch_bytes})"))
            return True
        if not self._has_room(len(encoded)):
            return False
        self._queue.append((record, encoded))
        self._queued_bytes += len(encoded)
        self._taken += 1
        _wake(self._data)
        return True

    def _has_room(self, size: int) -> bool:
        return len(self._queue) < self._options.capacity and self._queued_bytes + size <= self._options.capacity_bytes

    # Flushing and closing ----------------------------------------------------------------------------------------

    async def flush(self) -> None:
        """Waits until every record taken before the call is delivered or given up."""
        target = self._taken
        if self._settled >= target:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._settle_waiters.append((target, waiter))
        await waiter

    def close(self) -> None:
        """Takes no more records; the loop sends what it holds, then ends."""
        self._closed = True
        _wake(self._data)
        for waiter in self._room:
            _wake(waiter)

    async def wait_closed(self) -> None:
        if self._loop_task is not None:
            await asyncio.shield(self._loop_task)

    def abandon(self) -> None:
        """After the shutdown timeout: what is in hand and queued is reported, not silently dropped."""
        if self._loop_task is not None and not self._loop_task.done():
            self._loop_task.cancel()

    # The sending loop --------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            while True:
                batch = await self._fill()
                if not batch:
                    return
                await self._deliver(batch)
        except asyncio.CancelledError:
            abandoned = [entry for batch in self._in_hand for entry in batch] + list(self._queue)
            self._in_hand.clear()
            self._queue.clear()
            self._queued_bytes = 0
            if abandoned:
                self._give_up(abandoned, UndeliveredReason.SHUTDOWN_TIMEOUT, None)
            raise

    async def _fill(self) -> List[Entry]:
        """Takes records until the batch is full (records or bytes) or its first record waited ``max_batch_delay``;
        an empty batch once closed and drained."""
        while not self._queue:
            if self._closed:
                return []
            await self._wait_data(None)
        batch: List[Entry] = []
        self._in_hand.append(batch)
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._options.max_batch_delay
        while len(batch) < self._options.max_batch_size:
            if self._queue:
                if batch and size + len(self._queue[0][1]) + 1 > self._options.max_batch_bytes:
                    break
                entry = self._queue.popleft()
                self._queued_bytes -= len(entry[1])
                batch.append(entry)
                size += len(entry[1]) + 1
                self._wake_room()
                continue
            left = deadline - loop.time()
            if left <= 0 or self._closed:
                break
            await self._wait_data(left)
        return batch

    async def _wait_data(self, timeout: Optional[float]) -> None:
        self._data = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(self._data), timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            self._data = None

    async def _deliver(self, batch: List[Entry]) -> None:
        """Sends until every record of the batch is accepted or given up. Parts split off stay in ``_in_hand``, so
        an abandon reports each record once."""
        attempt = 0
        while batch:
            try:
                await self._send(self.kind, [encoded for _, encoded in batch])
                self._counters.delivered += len(batch)
                self._release(batch)
                self._settle(len(batch))
                return
            except PersistenceApiError as error:
                if error.is_transient:
                    # Retry-After as asked, within the cap (and never a busy loop on "0").
                    wait = (max(0.05, min(error.retry_after, self._options.max_retry_delay))
                            if error.retry_after is not None else self._backoff(attempt))
                    reason = str(error.status)
                elif error.status == 413 and len(batch) > 1:
                    # Too many bytes for one request: each half goes on its own.
                    half = len(batch) // 2
                    first, second = batch[:half], batch[half:]
                    self._release(batch)
                    self._in_hand.extend([first, second])
                    await self._deliver(first)
                    batch = second
                    attempt = 0
                    continue
                elif error.status == 400 and (rejected := _rejected_items(error, len(batch))) is not None:
                    # The API takes all of a batch or nothing and names each bad record: those are given up, the
                    # rest resent at once.
                    bad = [entry for i, entry in enumerate(batch) if i in rejected]
                    rest = [entry for i, entry in enumerate(batch) if i not in rejected]
                    self._release(batch)
                    self._in_hand.append(rest)
                    self._give_up(bad, UndeliveredReason.REJECTED, error)
                    batch = rest
                    continue
                else:
                    self._release(batch)
                    self._give_up(batch, UndeliveredReason.REJECTED, error)
                    return
            except Exception as error:
                # The network, a timeout, a garbled answer: the batch may or may not have landed; a resend is harmless.
                wait = self._backoff(attempt)
                reason = type(error).__name__
            attempt += 1
            self._counters.resends += 1
            log.info("Resending %d %s in %.0f ms (%s, attempt %d)", len(batch), self.kind, wait * 1000, reason, attempt)
            await asyncio.sleep(wait)
        self._release(batch)

    def _backoff(self, attempt: int) -> float:
        exponential = self._options.retry_base_delay * (2 ** min(attempt, 16))
        # ±20 %, so writers that failed together do not come back together.
        return min(exponential, self._options.max_retry_delay) * (0.8 + random.random() * 0.4)

    # Accounting --------------------------------------------------------------------------------------------------

    def _release(self, batch: List[Entry]) -> None:
        for i, held in enumerate(self._in_hand):
            if held is batch:
                del self._in_hand[i]
                return

    def _give_up(self, entries: List[Entry], reason: UndeliveredReason, error: Optional[BaseException]) -> None:
        self._counters.undelivered += len(entries)
        log.warning("Gave up %d %s: %s", len(entries), self.kind, reason.value, exc_info=error)
        try:
            self._report(UndeliveredRecords(self.kind, [record for record, _ in entries], reason, error))
        except Exception:  # the callback is the caller's; one that fails must not stop the writer
            log.exception("The on_undelivered callback failed")
        self._settle(len(entries))

    def _settle(self, count: int) -> None:
        self._settled += count
        waiting = []
        for target, waiter in self._settle_waiters:
            if self._settled >= target:
                _wake(waiter)
            else:
                waiting.append((target, waiter))
        self._settle_waiters = waiting

    def _wake_room(self) -> None:
        waiters, self._room = self._room, []
        for waiter in waiters:
            _wake(waiter)


def _rejected_items(error: PersistenceApiError, count: int) -> Optional[set]:
    indices = [problem.index for problem in error.errors]
    if indices and all(i is not None and 0 <= i < count for i in indices):
        return set(indices)
    return None


def _wake(waiter: Optional[asyncio.Future]) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
