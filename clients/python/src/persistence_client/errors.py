"""The API's error answers as exceptions carrying its RFC 9457 problem."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Mapping, Optional, Sequence


@dataclass(frozen=True)
class FieldProblem:
    """One problem with a request: which item of a batch (None for a query parameter), which field, and why."""

    index: Optional[int]
    field: Optional[str]
    message: Optional[str]


class PersistenceApiError(Exception):
    """The API answered with an error: its status, the problem's ``title`` and ``detail``, ``errors`` (each naming
    the field and, in a batch, the item index), and ``retry_after`` (seconds) when the answer asked for a wait."""

    def __init__(
        self,
        status: int,
        title: Optional[str],
        detail: Optional[str] = None,
        errors: Sequence[FieldProblem] = (),
        retry_after: Optional[float] = None,
        problem: Optional[Mapping[str, object]] = None,
    ) -> None:
        named = "; ".join(f"{'' if e.index is None else f'[{e.index}] '}{e.field}: {e.message}" for e in list(errors)[:10])
        super().__init__(f"{status} {title or 'error'}: {detail or '(no detail)'}" + (f" ({named})" if named else ""))
        self.status = status
        self.title = title
        self.detail = detail
        self.errors: tuple[FieldProblem, ...] = tuple(errors)
        self.retry_after = retry_after
        self.problem: Mapping[str, object] = problem or {}

    @property
    def is_transient(self) -> bool:
        """Whether sending the same request again may succeed: 408, 429 or 5xx. Every write of the API is
        idempotent, so resending one that did land is harmless."""
        return is_transient_status(self.status)

    @classmethod
    def from_response(cls, status: int, reason: Optional[str], headers: Mapping[str, str], body: bytes) -> "PersistenceApiError":
        problem: dict = {}
        if body:
            try:
                parsed = json.loads(body)
                if isinstance(parsed, dict):
                    problem = parsed
            except ValueError:
                # Not problem+json (a proxy's page, say): the status is all there is to say.
                pass
        errors = []
        for item in problem.get("errors") or []:
            if isinstance(item, dict):
                index = item.get("index")
                errors.append(FieldProblem(
                    index if isinstance(index, int) and not isinstance(index, bool) else None,
                    _text(item.get("field")),
                    _text(item.get("message"))))
        return cls(
            status,
            _text(problem.get("title")) or reason,
            _text(problem.get("detail")),
            errors,
            parse_retry_after(_header(headers, "Retry-After")),
            problem)


def is_transient_status(status: int) -> bool:
    return status in (408, 429) or status >= 500


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """``Retry-After`` in seconds: a delta, or an HTTP date (a date in the past is no wait)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _text(value: object) -> Optional[str]:
    return value if isinstance(value, str) else None
