"""HTTP for the client: the standard library's ``urllib`` run in a worker thread (``asyncio.to_thread``).

Why not a hand-written HTTP/1.1 client on asyncio streams: urllib already handles chunked bodies, TLS, redirects and
the proxy environment, and has for decades; a request costs one pooled thread while it is in flight, and the writer
keeps at most one in flight per record kind. Cancelling the awaiting coroutine returns at once; the thread itself
ends at the latest when its socket ``timeout`` passes.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Union

from .errors import PersistenceApiError

QueryValue = Union[str, int, float, bool, None, Iterable[str]]

API_KEY_HEADER = "X-API-Key"
USER_AGENT = "persistence-client-python/1.0"


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transport:
    """One gateway address and key; every request sends the key as ``X-API-Key`` and JSON bodies as they are."""

    def __init__(self, base_url: str, api_key: Optional[str], timeout: float) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"base_url must be an absolute http(s) address, such as http://127.0.0.1:8000; it is {base_url!r}")
        self._base = base_url.rstrip("/") + "/"
        self._api_key = api_key
        self._timeout = timeout
        self._opener = urllib.request.build_opener()

    def url(self, path: str, query: Optional[Mapping[str, QueryValue]] = None) -> str:
        url = self._base + path.lstrip("/")
        pairs = [(name, _query_text(value)) for name, value in (query or {}).items()]
        pairs = [(name, text) for name, text in pairs if text is not None]
        return url + ("?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote) if pairs else "")

    async def send(self, method: str, path: str, query: Optional[Mapping[str, QueryValue]] = None,
                   body: Optional[bytes] = None, timeout: Optional[float] = None) -> Response:
        """The answer of a 2xx; any other status raises ``PersistenceApiError``; the network raises ``OSError``."""
        request = self._request(method, path, query, body)
        return await asyncio.to_thread(self._exchange, request, timeout or self._timeout)

    async def open(self, method: str, path: str, query: Optional[Mapping[str, QueryValue]] = None) -> "OpenResponse":
        """A 2xx answer whose body is still to be read, for streams; close it when done."""
        request = self._request(method, path, query, None)
        raw = await asyncio.to_thread(self._open, request, self._timeout)
        return OpenResponse(raw)

    def _request(self, method: str, path: str, query: Optional[Mapping[str, QueryValue]], body: Optional[bytes]) -> urllib.request.Request:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self._api_key:
            headers[API_KEY_HEADER] = self._api_key
        if body is not None:
            headers["Content-Type"] = "application/json"
        elif method == "POST":
            # A POST without a body still says so: proxies refuse one with neither length nor chunking.
            body = b""
        return urllib.request.Request(self.url(path, query), data=body, headers=headers, method=method)

    def _open(self, request: urllib.request.Request, timeout: float):
        try:
            return self._opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            with error:
                raise PersistenceApiError.from_response(error.code, error.reason, dict(error.headers or {}), error.read()) from None
        except urllib.error.URLError as error:
            # The network's own error (refused, reset, timed out), not urllib's wrapper: callers catch OSError.
            reason = error.reason
            raise (reason if isinstance(reason, OSError) else ConnectionError(str(reason))) from None

    def _exchange(self, request: urllib.request.Request, timeout: float) -> Response:
        with self._open(request, timeout) as raw:
            return Response(raw.status, dict(raw.headers), raw.read())


class OpenResponse:
    """A streamed answer: ``read`` returns the next chunk (b"" at the end), in a worker thread."""

    def __init__(self, raw) -> None:
        self._raw = raw
        self.status: int = raw.status
        self.headers: Mapping[str, str] = dict(raw.headers)

    async def read(self, size: int = 65536) -> bytes:
        return await asyncio.to_thread(self._raw.read1 if hasattr(self._raw, "read1") else self._raw.read, size)

    def close(self) -> None:
        self._raw.close()


def _query_text(value: QueryValue) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return value.value  # an Enum such as ReadConsistency
    if isinstance(value, (str, int, float)):
        return str(value)
    items = [str(v) for v in value]
    return ",".join(items) if items else None
