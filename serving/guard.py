"""ASGI middleware in front of the API: readiness, auth, body limit, clear 4xx messages.

It runs before BentoML routes a request, which is what lets it (a) answer ``/readyz``
with *which* model is missing, (b) refuse unauthenticated or oversized POSTs before any
parsing, (c) answer 503 naming the missing model instead of a generic 500, (d) turn
pydantic's error list into a one-line message that names each offending field, and
(e) refuse what is not a same-origin JSON object (415 for another media type, 403 for a
foreign ``Origin``, 400 for a body that is not JSON) before BentoML could echo or log it.
Error answers never repeat what the client sent: pydantic's ``input`` is dropped and any
personal data in a field name is masked.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from features.pii import mask_pii
from serving import auth
from serving.feedback import RETRY_AFTER_S
from serving.settings import Settings

Scope = dict[str, Any]
Message = dict[str, Any]

# Which model each POST route needs before it can answer.
NEEDS_MODEL = {"/classify": "triage", "/forecast": "forecast", "/plan": "forecast"}


async def send_json(send: Any, status: int, body: Any, headers: dict[str, str] | None = None):
    """Answer ``body`` (JSON-encoded here unless it is bytes already) with ``status``."""
    payload = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


def field_message(detail: list[dict[str, Any]]) -> str:
    """``texts.3: String should have at most 2000 characters; hours: ...``.

    Field names come from the client (an unknown field is named by its key), so they are
    masked like any other text before they reach an answer or a log line.
    """
    parts = []
    for err in detail:
        loc = mask_pii(".".join(str(p) for p in err.get("loc", ()) if p not in ("body",)))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


class Guard:
    """Wraps the BentoML app; ``runtime_ref`` returns the live ``Runtime`` (or None)."""

    def __init__(self, app: Any, runtime_ref: Any, settings: Settings) -> None:
        self.app = app
        self.runtime_ref = runtime_ref
        self.settings = settings  # until the service instance exists; then its own
        self.max_body_bytes = settings.max_body_bytes
        self._runtime: Any = None
        from serving.fast_classify import ROUTE, FastClassify

        self.fast_route, self.fast = ROUTE, FastClassify()

    def runtime(self) -> Any:
        """This app's runtime, remembered once the service instance exists.

        A server process has one app; tests build several in one process, and each guard
        must keep talking to the instance it fronted first.
        """
        if self._runtime is None:
            self._runtime = self.runtime_ref()
        return self._runtime

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        runtime = self.runtime()
        if path == "/readyz" and method in ("GET", "HEAD"):
            ready, body = runtime.readiness() if runtime else (False, {"error": "starting"})
            await send_json(send, 200 if ready else 503, body)
            return
        if path == "/docs.json" and method == "GET":
            await self.app(scope, receive, _CompletedDocs(send))
            return
        if method != "POST":
            await self.app(scope, receive, send)
            return

        headers = _read_headers(scope["headers"])
        token = (runtime.settings if runtime else self.settings).api_token
        if not auth.authorized(headers.get("authorization"), token):
            await send_json(
                send,
                401,
                {"error": "missing or wrong API token: send 'Authorization: Bearer <token>'"},
                {"www-authenticate": "Bearer"},
            )
            return

        refusal = _media_type_problem(headers) or _origin_problem(headers)
        if refusal is not None:
            await send_json(send, refusal[0], {"error": refusal[1]})
            return

        body = await self._read_body(headers, receive)
        if body is None:
            await send_json(
                send,
                413,
                {"error": f"request body larger than {self.max_body_bytes} bytes"},
            )
            return
        problem = _json_problem(body)
        if problem is not None:
            await send_json(send, 400, {"error": problem})
            return

        model = NEEDS_MODEL.get(path)
        if model is not None:
            reason = runtime.missing_reason(model) if runtime else "service is starting"
            if reason is not None:
                await send_json(
                    send,
                    503,
                    {"error": f"{model} model not loaded: {reason}"},
                    {"retry-after": str(RETRY_AFTER_S)},
                )
                return

        if path == self.fast_route and await self.fast.answer(scope, body, send):
            return
        await self.app(scope, _replay(body), _ClearErrors(send))

    async def _read_body(self, headers: dict[str, str], receive: Any) -> bytes | None:
        """The whole body, or None as soon as it is known to exceed the limit."""
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


# The request headers the guard reads (ASGI servers send names in lower case).
_READ_HEADERS = {
    name.encode(): name
    for name in ("authorization", "content-type", "content-length", "origin", "host")
}


def _read_headers(raw: Any) -> dict[str, str]:
    """The headers the guard reads, by lower-case name (the last of a repeated one)."""
    headers = {}
    for key, value in raw:
        name = _READ_HEADERS.get(key) or _READ_HEADERS.get(key.lower())
        if name is not None:
            headers[name] = value.decode("latin-1")
    return headers


def _media_type_problem(headers: dict[str, str]) -> tuple[int, str] | None:
    """415 unless the body is declared ``application/json`` (UTF-8, the JSON default)."""
    declared = headers.get("content-type", "")
    media, _, params = declared.partition(";")
    if media.strip().lower() != "application/json":
        shown = media.strip()[:40] or "none"
        return 415, f"Content-Type must be application/json (got {shown})"
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    if params.strip() and charset not in ("utf-8", "utf8"):
        return 415, "Content-Type charset must be utf-8"
    return None


def _origin_problem(headers: dict[str, str]) -> tuple[int, str] | None:
    """403 for a browser request from another site (the console is served from here).

    Without a token, a page elsewhere could otherwise make a call taker's browser post
    feedback; browsers always send ``Origin`` on cross-site POSTs, scripts usually do not.
    """
    origin = headers.get("origin")
    if origin is None:
        return None
    from urllib.parse import urlsplit

    host = headers.get("host", "").lower()
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:
        netloc = ""
    if not netloc or netloc != host:
        return 403, "cross-origin requests are refused: Origin is not this service"
    return None


def _json_problem(body: bytes) -> str | None:
    """Why ``body`` is not a JSON object, without repeating any of it."""
    try:  # orjson is stricter than json (NaN, huge integers): json decides what it refuses
        return None if isinstance(orjson.loads(body), dict) else "body must be a JSON object"
    except orjson.JSONDecodeError:
        pass
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        return "body is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return f"body is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return "body is not valid JSON (nested too deeply)"
    if not isinstance(data, dict):
        return "body must be a JSON object"
    return None


def _replay(body: bytes) -> Any:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class _BodyRewriter:
    """Buffers one answer whose start ``wants`` picks, and sends ``rewrite`` of its body."""

    def __init__(self, send: Any) -> None:
        self.send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    def wants(self, start: Message) -> bool:
        """Whether to rewrite the answer that begins with ``start`` (subclasses choose)."""
        return False

    def rewrite(self, body: bytes) -> bytes:
        return body

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start" and self.wants(message):
            self.start = message
            return
        if self.start is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = self.rewrite(b"".join(self.chunks))
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


class _CompletedDocs(_BodyRewriter):
    """Rewrites BentoML's OpenAPI answer into the document the guard makes true."""

    def wants(self, start: Message) -> bool:
        return start["status"] == 200

    def rewrite(self, body: bytes) -> bytes:
        from serving.openapi import complete

        return json.dumps(complete(json.loads(body)), ensure_ascii=False).encode("utf-8")


def clear_detail(errors: list[Any]) -> list[dict[str, Any]]:
    """Pydantic's error entries with only what names each problem (never the client's
    data): its location (masked: field names come from the client), message and type."""
    return [
        {
            "loc": [mask_pii(p) if isinstance(p, str) else p for p in err.get("loc", ())],
            "msg": str(err.get("msg", "invalid")),
            "type": str(err.get("type", "")),
        }
        for err in errors
        if isinstance(err, dict)
    ]


class _ClearErrors(_BodyRewriter):
    """Rewrites BentoML's 400 validation answers so ``error`` names the fields, and gives
    every 503 a ``Retry-After``."""

    def wants(self, start: Message) -> bool:
        return start["status"] == 400

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 503:
            headers = list(message.get("headers", []))
            if not any(k.lower() == b"retry-after" for k, _ in headers):
                headers.append((b"retry-after", str(RETRY_AFTER_S).encode()))
            message = {**message, "headers": headers}
        await super().__call__(message)

    def rewrite(self, body: bytes) -> bytes:
        try:
            data = json.loads(body)
        except ValueError:
            return body
        if isinstance(data, dict) and isinstance(data.get("detail"), list):
            detail = clear_detail(data["detail"])
            data = {"error": field_message(detail), "detail": detail}
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return body
