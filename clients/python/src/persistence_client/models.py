"""The API's wire types as dataclasses. Field names are the wire names; each class names its schema in the OpenAPI
document (``__schema__``), against which ``tests/test_contract.py`` checks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Generic, Optional, TypeVar

T = TypeVar("T")


class ReadConsistency(str, Enum):
    """How current a read must be (the ``consistency`` query parameter)."""

    EVENTUAL = "eventual"
    """MySQL as it is: records accepted but not yet flushed are missing. The server's default."""
    STRONG = "strong"
    """The server first waits on the flush barrier, so every record accepted before the read is visible."""


# Records written -------------------------------------------------------------------------------------------------


@dataclass
class SessionRecord:
    """The full state of one translation session at ``updated_at``; the newest ``updated_at`` wins."""

    __schema__ = "SessionRecord"
    session_id: Optional[str] = None
    status: Optional[str] = None
    source_lang: Optional[str] = None
    target_langs: Optional[list[str]] = None
    total_tasks: Optional[int] = None
    completed_tasks: Optional[int] = None
    failed_tasks: Optional[int] = None
    metadata: Any = None
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None


@dataclass
class TaskRecord:
    """The full state of one translation task at ``updated_at``; the newest ``updated_at`` wins."""

    __schema__ = "TaskRecord"
    task_id: Optional[str] = None
    session_id: Optional[str] = None
    batch_id: Optional[str] = None
    status: Optional[str] = None
    source_lang: Optional[str] = None
    target_lang: Optional[str] = None
    source_text: Optional[str] = None
    translated_text: Optional[str] = None
    error: Optional[str] = None
    attempts: Optional[int] = None
    metadata: Any = None
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None


@dataclass
class TranslationRequest:
    """One text to translate into several languages, for one business id."""

    __schema__ = "TranslationRequest"
    business_id: Optional[str] = None
    text: Optional[str] = None
    source_lang: Optional[str] = None
    target_langs: Optional[list[str]] = None
    context: Any = None


# Answers ---------------------------------------------------------------------------------------------------------


@dataclass
class BatchAccepted:
    """202: Redis holds the whole batch."""

    __schema__ = "AcceptedBatch"
    status: str = ""
    count: int = 0


@dataclass
class FlushResult:
    """Every record accepted before the flush is committed to MySQL or dead-lettered.

    ``dead_lettered`` counts the records set aside as dead letters while the flush waited (done for the barrier, not in
    the database); ``dead_letters_stored`` every dead letter waiting for an operator.
    """

    __schema__ = "FlushResult"
    status: str = ""
    waited_ms: int = 0
    streams: dict[str, Any] = field(default_factory=dict)
    dead_lettered: int = 0
    dead_letters_stored: int = 0


@dataclass
class Page(Generic[T]):
    """One page of a list: ``next_cursor`` asks for the next (None on the last); ``total`` only on a first page."""

    items: list[T] = field(default_factory=list)
    next_cursor: Optional[str] = None
    page_size: Optional[int] = None
    page: Optional[int] = None
    total: Optional[int] = None
    total_is_lower_bound: Optional[bool] = None


@dataclass
class SessionSummary:
    __schema__ = "SessionSummary"
    session_id: str = ""
    status: str = ""
    source_lang: Optional[str] = None
    target_langs: Optional[list[str]] = None
    total_tasks: Optional[int] = None
    completed_tasks: Optional[int] = None
    failed_tasks: Optional[int] = None
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None


@dataclass
class TaskStatistics:
    """A session's tasks counted by status."""

    __schema__ = "TaskStatistics"
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    finished: int = 0
    progress: float = 0.0


@dataclass
class SessionDetail(SessionSummary):
    __schema__ = "SessionDetail"
    metadata: Any = None
    tasks: Optional[TaskStatistics] = None


@dataclass
class TaskSummary:
    __schema__ = "TaskSummary"
    task_id: str = ""
    session_id: str = ""
    batch_id: Optional[str] = None
    status: str = ""
    source_lang: Optional[str] = None
    target_lang: Optional[str] = None
    attempts: Optional[int] = None
    error: Optional[str] = None
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None


@dataclass
class TaskDetail(TaskSummary):
    __schema__ = "TaskDetail"
    source_text: Optional[str] = None
    translated_text: Optional[str] = None
    metadata: Any = None


@dataclass
class JobReference:
    __schema__ = "JobReference"
    job_id: str = ""
    target_lang: str = ""


@dataclass
class TranslationAccepted:
    """202: the request's jobs, one per target language; their ids derive from the request alone."""

    __schema__ = "TranslationAccepted"
    status: str = ""
    business_id: str = ""
    jobs: list[JobReference] = field(default_factory=list)


@dataclass
class TranslationBatchAccepted:
    __schema__ = "TranslationBatchAccepted"
    status: str = ""
    count: int = 0
    items: list[TranslationAccepted] = field(default_factory=list)


@dataclass
class JobReview:
    __schema__ = "JobReview"
    status: str = ""
    reviewed_by: Optional[str] = None
    reviewed_at: Optional[datetime] = None
    note: Optional[str] = None


@dataclass
class JobState:
    """One translation job: its status, result or error, attempts, engine and review."""

    __schema__ = "JobState"
    job_id: str = ""
    business_id: str = ""
    source_lang: str = ""
    target_lang: str = ""
    status: str = ""
    result: Optional[str] = None
    error: Optional[str] = None
    attempts: int = 0
    reused: bool = False
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None
    next_attempt_at: Optional[datetime] = None
    engine: Optional[str] = None
    engine_version: Optional[str] = None
    review: Optional[JobReview] = None


@dataclass
class TranslationState:
    """A business id's newest job per target language."""

    __schema__ = "TranslationState"
    business_id: str = ""
    translations: list[JobState] = field(default_factory=list)


@dataclass
class JobRequeued:
    __schema__ = "JobRequeued"
    status: str = ""
    job_id: str = ""
