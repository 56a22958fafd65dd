"""Limits of the buffered writer, and what it reports about records it gave up."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, List, Optional

# The API's own limits: records per batch (Ingest:MaxBatchItems) and bytes per request at the gateway.
SERVER_MAX_BATCH_ITEMS = 5000
SERVER_MAX_REQUEST_BYTES = 16 * 1024 * 1024


class FullMode(str, Enum):
    """What an enqueue into a full queue does."""

    WAIT = "wait"
    """``enqueue_*`` waits for room (``try_enqueue_*`` still refuses at once)."""
    REFUSE = "refuse"
    """Every enqueue returns False at once: the caller decides, the writer never blocks a hot path."""


class UndeliveredReason(str, Enum):
    REJECTED = "rejected"
    """The API refused them for good (a 400 naming them, 401, 403, a 413 of one record): resending cannot help."""
    SHUTDOWN_TIMEOUT = "shutdown_timeout"
    """The writer was closed and its shutdown timeout passed first; a record in flight then may have landed anyway."""


@dataclass(frozen=True)
class UndeliveredRecords:
    """Records the writer gave up: one kind per report."""

    kind: str
    """``sessions`` or ``tasks``."""
    records: List[Any]
    """The records as they were enqueued."""
    reason: UndeliveredReason
    error: Optional[BaseException] = None
    """The last error, such as the API's ``PersistenceApiError`` naming the bad fields."""


@dataclass
class WriterOptions:
    """Batching, memory and delivery limits of :class:`PersistenceWriter`; times in seconds."""

    max_batch_size: int = 1000
    """Records per request at most (the API takes up to 5,000)."""
    max_batch_bytes: int = 4 * 1024 * 1024
    """Bytes of records per request at most; a single record larger than this can never be sent and is rejected."""
    max_batch_delay: float = 0.2
    """How long the first record of a batch waits for more before the batch is sent anyway."""
    capacity: int = 100_000
    """Records held per kind (sessions, tasks) before ``full_mode`` applies; besides them, one batch is in flight."""
    capacity_bytes: int = 64 * 1024 * 1024
    """Bytes of records held per kind before ``full_mode`` applies."""
    full_mode: FullMode = FullMode.WAIT
    shutdown_timeout: float = 10.0
    """On close: how long the writer keeps sending what it holds before it gives the rest up as undelivered."""
    retry_base_delay: float = 0.2
    """The first wait before a resend when the answer named none; it doubles per attempt."""
    max_retry_delay: float = 15.0
    """The longest wait between two sends of a batch, ``Retry-After`` included."""
    on_undelivered: Optional[Callable[[UndeliveredRecords], Any]] = field(default=None, repr=False)
    """Called on the writer's task with records it gave up; exceptions it raises are logged and ignored."""

    def validate(self) -> None:
        """Raises ValueError naming every limit that could not work, at start rather than at the first batch."""
        failures = []
        if not 1 <= self.max_batch_size <= SERVER_MAX_BATCH_ITEMS:
            failures.append(f"max_batch_size must be from 1 to {SERVER_MAX_BATCH_ITEMS}; it is {self.max_batch_size}")
        if not 1024 <= self.max_batch_bytes <= SERVER_MAX_REQUEST_BYTES:
            failures.append(f"max_batch_bytes must be from 1024 to {SERVER_MAX_REQUEST_BYTES}; it is {self.max_batch_bytes}")
        if self.capacity < self.max_batch_size:
            failures.append(f"capacity ({self.capacity}) must be at least max_batch_size ({self.max_batch_size})")
        if self.capacity_bytes < self.max_batch_bytes:
            failures.append(f"capacity_bytes ({self.capacity_bytes}) must be at least max_batch_bytes ({self.max_batch_bytes})")
        if self.max_batch_delay <= 0:
            failures.append("max_batch_delay must be positive")
        if self.shutdown_timeout < 0:
            failures.append("shutdown_timeout must not be negative")
        if self.retry_base_delay <= 0 or self.max_retry_delay < self.retry_base_delay:
            failures.append("retry_base_delay must be positive and at most max_retry_delay")
        if not isinstance(self.full_mode, FullMode):
            failures.append("full_mode must be FullMode.WAIT or FullMode.REFUSE")
        if failures:
            raise ValueError("; ".join(failures))
