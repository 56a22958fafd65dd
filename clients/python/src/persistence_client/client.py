"""Typed async calls of the translation persistence API, through its gateway."""

from __future__ import annotations

import json
import os
import urllib.parse
from datetime import datetime
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Optional, Sequence, TypeVar, Union

from . import routes
from .errors import PersistenceApiError
from .models import (
    BatchAccepted, FlushResult, JobRequeued, JobState, Page, ReadConsistency, SessionDetail, SessionRecord,
    SessionSummary, TaskDetail, TaskRecord, TaskSummary, TranslationAccepted, TranslationBatchAccepted,
    TranslationRequest, TranslationState,
)
from .transport import OpenResponse, Transport
from .wire import coerce, dumps, format_timestamp, from_wire

if TYPE_CHECKING:  # the writer imports this module; the client builds one lazily
    from .writer import PersistenceWriter, WriterOptions

T = TypeVar("T")
SessionLike = Union[SessionRecord, Mapping[str, Any]]
TaskLike = Union[TaskRecord, Mapping[str, Any]]
RequestLike = Union[TranslationRequest, Mapping[str, Any]]

URL_VARIABLE = "PERSISTENCE_URL"
API_KEY_VARIABLE = "PERSISTENCE_API_KEY"


class PersistenceClient:
    """Every call sends at once and returns the API's answer. An error answer raises ``PersistenceApiError`` (with
    the problem's fields and ``retry_after``), except that a single-row read answers None for a 404; the network
    raises ``OSError``. Every write is idempotent, so sending one again is safe. For hot paths, use
    :class:`PersistenceWriter` (``client.writer()``), which batches and resends for you."""

    def __init__(self, base_url: str, api_key: Optional[str], *, timeout: float = 100.0) -> None:
        """``base_url`` is the gateway (``http://127.0.0.1:8000``); ``api_key`` is sent as ``X-API-Key``;
        ``timeout`` bounds each request's connect and each read of its answer, in seconds."""
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._transport = Transport(base_url, api_key, timeout)
        self._timeout = timeout

    @classmethod
    def from_environment(cls, **options: Any) -> "PersistenceClient":
        """A client of ``$PERSISTENCE_URL`` (default http://127.0.0.1:8000) with the key ``$PERSISTENCE_API_KEY``."""
        key = os.environ.get(API_KEY_VARIABLE)
        if not key:
            raise ValueError(f"{API_KEY_VARIABLE} is not set: the gateway refuses calls without a key")
        return cls(os.environ.get(URL_VARIABLE, "http://127.0.0.1:8000"), key, **options)

    async def __aenter__(self) -> "PersistenceClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        return None

    def writer(self, options: Optional["WriterOptions"] = None, **settings: Any) -> "PersistenceWriter":
        """A buffered writer sending through this client; start it with ``async with`` (or ``start()``)."""
        from .writer import PersistenceWriter, WriterOptions
        return PersistenceWriter(self, options or WriterOptions(**settings))

    # Ingest ------------------------------------------------------------------------------------------------------

    async def persist_session(self, session: SessionLike) -> BatchAccepted:
        """Persists one session state; the newest ``updated_at`` of each session wins, so sending it again is harmless."""
        return await self.persist_sessions([session])

    async def persist_sessions(self, sessions: Iterable[SessionLike]) -> BatchAccepted:
        """Persists session states (``POST /api/v1/persistence/sessions/batch``, ingest scope); returns once Redis holds
        the whole batch. A 400 names each bad record's index and field, and then nothing was accepted."""
        records = [coerce(SessionRecord, s) for s in _records(sessions, SessionRecord)]
        return await self.send_batch("sessions", encoded_batch("sessions", [dumps(r) for r in records]))

    async def persist_tasks(self, tasks: Union[Iterable[TaskLike], TaskLike]) -> BatchAccepted:
        """Persists task states (``POST /api/v1/persistence/tasks/batch``, ingest scope), like :meth:`persist_sessions`."""
        records = [coerce(TaskRecord, t) for t in _records(tasks, TaskRecord)]
        return await self.send_batch("tasks", encoded_batch("tasks", [dumps(r) for r in records]))

    async def send_batch(self, kind: str, body: bytes) -> BatchAccepted:
        """Sends an already encoded ``{"sessions": [...]}`` or ``{"tasks": [...]}`` body (the writer's path)."""
        path = routes.SESSIONS_BATCH if kind == "sessions" else routes.TASKS_BATCH
        return await self._call(BatchAccepted, "POST", path, body=body)

    async def flush_all(self, timeout: Optional[float] = None) -> FlushResult:
        """Waits until every record accepted before the call is committed to MySQL (``POST /api/v1/persistence/flush``),
        for at most ``timeout`` seconds on the server (its default when None); a 504 raises when it took longer."""
        query = {routes.TIMEOUT_MS: int(timeout * 1000)} if timeout is not None else None
        wait = max(self._timeout, (timeout or 0) + 30)
        return await self._call(FlushResult, "POST", routes.FLUSH, query, timeout=wait)

    async def get_stats(self) -> dict:
        """The pipeline's streams, dead letters and backpressure (``GET /api/v1/persistence/stats``, admin scope)."""
        return json.loads((await self._transport.send("GET", routes.STATS)).body)

    # Sessions and tasks ------------------------------------------------------------------------------------------

    async def get_session_page(
        self, *, status: Optional[Sequence[str]] = None, created_from: Optional[datetime] = None,
        created_to: Optional[datetime] = None, source_lang: Optional[str] = None, target_lang: Optional[str] = None,
        sort: Optional[str] = None, ascending: bool = False, page: Optional[int] = None, page_size: Optional[int] = None,
        cursor: Optional[str] = None, consistency: Optional[ReadConsistency] = None,
    ) -> Page[SessionSummary]:
        """One page of sessions (``GET /api/v1/translation/sessions``, read scope): by ``page`` number (offset, with
        ``total``) or by ``cursor`` (the ``next_cursor`` of the page before), never both."""
        query = {
            "status": status, "from": _timestamp(created_from), "to": _timestamp(created_to),
            "source_lang": source_lang, "target_lang": target_lang, "sort": sort, "order": "asc" if ascending else None,
            routes.PAGE: page, routes.PAGE_SIZE: page_size, routes.CURSOR: cursor, routes.CONSISTENCY: consistency,
        }
        return await self._page(SessionSummary, routes.SESSIONS, query)

    def list_sessions(self, **filters: Any) -> AsyncIterator[SessionSummary]:
        """Every session matching the filters of :meth:`get_session_page`, page by page by cursor as the iteration goes."""
        return _follow(lambda cursor: self.get_session_page(**filters, cursor=cursor))

    async def get_session(self, session_id: str, consistency: Optional[ReadConsistency] = None) -> Optional[SessionDetail]:
        """One session with its tasks counted by status; None when there is none."""
        return await self._get_or_none(SessionDetail, _path(routes.SESSION, session_id=session_id), {routes.CONSISTENCY: consistency})

    async def get_task_page(
        self, session_id: str, *, status: Optional[Sequence[str]] = None, target_lang: Optional[str] = None,
        batch_id: Optional[str] = None, page_size: Optional[int] = None, cursor: Optional[str] = None,
        consistency: Optional[ReadConsistency] = None,
    ) -> Page[TaskSummary]:
        """One page of a session's tasks in task id order; an unknown session raises a 404."""
        query = {
            "status": status, "target_lang": target_lang, "batch_id": batch_id,
            routes.PAGE_SIZE: page_size, routes.CURSOR: cursor, routes.CONSISTENCY: consistency,
        }
        return await self._page(TaskSummary, _path(routes.SESSION_TASKS, session_id=session_id), query)

    def list_tasks(self, session_id: str, **filters: Any) -> AsyncIterator[TaskSummary]:
        """Every task of a session matching the filters of :meth:`get_task_page`, page by page."""
        return _follow(lambda cursor: self.get_task_page(session_id, **filters, cursor=cursor))

    async def get_task(self, task_id: str, consistency: Optional[ReadConsistency] = None) -> Optional[TaskDetail]:
        """One task in full, with its texts and metadata; None when there is none."""
        return await self._get_or_none(TaskDetail, _path(routes.TASK, task_id=task_id), {routes.CONSISTENCY: consistency})

    # Recovery ----------------------------------------------------------------------------------------------------

    async def get_incomplete_session_page(
        self, *, page_size: Optional[int] = None, cursor: Optional[str] = None, consistency: Optional[ReadConsistency] = None,
    ) -> Page[SessionSummary]:
        """One page of the sessions left pending, processing or paused, newest first."""
        query = {routes.PAGE_SIZE: page_size, routes.CURSOR: cursor, routes.CONSISTENCY: consistency}
        return await self._page(SessionSummary, routes.INCOMPLETE_SESSIONS, query)

    def list_incomplete_sessions(self, **filters: Any) -> AsyncIterator[SessionSummary]:
        """Every incomplete session, page by page: what a back end resumes after a restart."""
        return _follow(lambda cursor: self.get_incomplete_session_page(**filters, cursor=cursor))

    async def restore_session(self, session_id: str, consistency: Optional[ReadConsistency] = None) -> Optional["RestoreStream"]:
        """The session and all its unfinished tasks as one JSON package, streamed as the server reads them
        (``POST /api/v1/translation/recovery/restore/{id}``); None when there is no such session. Close the stream
        (``async with``) when done. A package cut short lacks its closing ``"complete": true``."""
        try:
            response = await self._transport.open("POST", _path(routes.RESTORE, session_id=session_id), {routes.CONSISTENCY: consistency})
        except PersistenceApiError as error:
            if error.status == 404:
                return None
            raise
        return RestoreStream(response)

    # Translations ------------------------------------------------------------------------------------------------

    async def request_translation(self, request: RequestLike) -> TranslationAccepted:
        """Registers a text for translation into its target languages (``POST /api/v1/translation/jobs``). Job ids
        derive from the request alone, so sending it again names the same jobs and resets none."""
        return await self._call(TranslationAccepted, "POST", routes.JOBS, body=dumps(coerce(TranslationRequest, request)))

    async def request_translations(self, requests: Iterable[RequestLike]) -> TranslationBatchAccepted:
        """Registers several translation requests at once (``POST /api/v1/translation/jobs/batch``)."""
        items = [coerce(TranslationRequest, r) for r in requests]
        return await self._call(TranslationBatchAccepted, "POST", routes.JOBS_BATCH, body=dumps({"items": items}))

    async def get_translation(self, business_id: str, lang: Optional[str] = None) -> Optional[TranslationState]:
        """A business id's newest job per target language, or only ``lang``'s; None while nothing is registered
        (registration is asynchronous: :meth:`flush_all` waits for it)."""
        # Slashes belong to business ids (docs/intro.title): each segment is escaped on its own.
        escaped = "/".join(urllib.parse.quote(s, safe="") for s in business_id.split("/"))
        path = routes.JOBS_BY_BUSINESS_ID.replace("{business_id}", escaped)
        return await self._get_or_none(TranslationState, path, {"target_lang": lang})

    async def get_translation_job_page(
        self, *, status: Optional[str] = None, lang: Optional[str] = None, page_size: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> Page[JobState]:
        """One page of translation jobs in job id order (``GET /api/v1/translation/jobs``)."""
        query = {"status": status, "target_lang": lang, routes.PAGE_SIZE: page_size, routes.CURSOR: cursor}
        return await self._page(JobState, routes.JOBS, query)

    def list_translation_jobs(self, **filters: Any) -> AsyncIterator[JobState]:
        """Every translation job matching the filters of :meth:`get_translation_job_page`, page by page."""
        return _follow(lambda cursor: self.get_translation_job_page(**filters, cursor=cursor))

    async def retry_translation_job(self, job_id: str) -> JobRequeued:
        """Puts a failed job back to pending with fresh attempts (admin scope); 409 unless the job failed."""
        return await self._call(JobRequeued, "POST", _path(routes.JOB_RETRY, job_id=job_id))

    # Plumbing ----------------------------------------------------------------------------------------------------

    async def _call(self, answer: type, method: str, path: str, query: Optional[Mapping[str, Any]] = None,
                    body: Optional[bytes] = None, timeout: Optional[float] = None) -> Any:
        response = await self._transport.send(method, path, query, body, timeout)
        return from_wire(answer, _json(response.body, response.status))

    async def _get_or_none(self, answer: type, path: str, query: Mapping[str, Any]) -> Any:
        try:
            return await self._call(answer, "GET", path, query)
        except PersistenceApiError as error:
            if error.status == 404:
                return None
            raise

    async def _page(self, item: type, path: str, query: Mapping[str, Any]) -> Page:
        response = await self._transport.send("GET", path, query)
        data = _json(response.body, response.status)
        page = Page(
            items=[from_wire(item, row) for row in data.get("items") or []],
            next_cursor=data.get("next_cursor"),
            page_size=data.get("page_size"),
            page=data.get("page"),
            total=data.get("total"),
            total_is_lower_bound=data.get("total_is_lower_bound"))
        return page


class RestoreStream:
    """A restore package as it arrives: ``async for chunk in stream``, or ``await stream.json()`` for all of it."""

    def __init__(self, response: OpenResponse) -> None:
        self._response = response

    async def read(self, size: int = 65536) -> bytes:
        """The next chunk of the JSON document; b"" at its end."""
        return await self._response.read(size)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.read():
            yield chunk

    async def json(self) -> dict:
        """The whole package parsed: ``session``, ``tasks``, ``task_count``, ``complete`` and the flush position."""
        return json.loads(b"".join([chunk async for chunk in self]))

    def close(self) -> None:
        self._response.close()

    async def __aenter__(self) -> "RestoreStream":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.close()


def encoded_batch(kind: str, records: Sequence[bytes]) -> bytes:
    """``{"<kind>":[…]}`` around records already encoded, so a resend sends the same bytes without encoding again."""
    return b'{"' + kind.encode() + b'":[' + b",".join(records) + b"]}"


def _records(value: Any, single: type) -> list:
    if isinstance(value, (single, Mapping)):
        return [value]
    return list(value)


async def _follow(read_page: Callable[[Optional[str]], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    cursor: Optional[str] = None
    while True:
        page = await read_page(cursor)
        for item in page.items:
            yield item
        cursor = page.next_cursor
        if cursor is None:
            return


def _path(template: str, **segments: str) -> str:
    for name, value in segments.items():
        if not value:
            raise ValueError(f"{name} must not be empty")
        template = template.replace("{" + name + "}", urllib.parse.quote(value, safe=""))
    return template


def _timestamp(value: Optional[datetime]) -> Optional[str]:
    return format_timestamp(value) if value is not None else None


def _json(body: bytes, status: int) -> Any:
    if not body:
        raise ValueError(f"the API answered {status} with an empty body")
    return json.loads(body)
