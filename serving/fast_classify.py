"""``POST /classify`` answered from the guard, through BentoML's own batching.

A single-text request spent most of its CPU in the generic per-request machinery between
the guard and the model: Starlette's router, exception middleware and ``Request`` object,
BentoML's service context, its IO descriptor (a second read of the body), the validation
of the answers we built ourselves against ``list[ServedSuggestion]`` and pydantic's
serialisation of them. The guard has already read the body, checked the token, the media
type, the origin, the size and that the body is a JSON object; this module then

1. validates the body with the route's own input model (``ClassifyRequest``, the same
   ``model_validate_json`` call BentoML makes), answering a bad field with the same
   one-line 400 the guard makes of BentoML's answer;
2. hands the texts to the route's BentoML adaptive-batching dispatcher (the
   ``CorkDispatcher`` BentoML made for ``classify``: the same queue, batches and latency
   bound), whose callback is the route's own function ``Jingqing.classify`` ->
   ``Runtime.classify`` (masking, model, recent calls, audit, metrics), observed in the
   same ``bentoml_service_adaptive_batch_size`` histogram. It does what BentoML's
   ``batch_infer`` does for a list, without the per-batch ``inspect.signature`` of the
   bound API method and the container-type lookups (a sixth of the HTTP path's CPU);
3. writes the answers as JSON, with BentoML's error answers for what goes wrong after
   validation (503 when a queued request is dropped, 500 with the error logged).

What stays outside, unchanged: shedding, BentoML's request metrics, timeout and access
log. When the dispatcher cannot be found (batching off, another BentoML layout) the
request takes the full BentoML route instead.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from serving.guard import clear_detail, field_message, send_json

ROUTE = "/classify"
API_NAME = "classify"
_GENERIC_ERROR = {"error": "An unexpected error has occurred, please check the server log."}
# The logger BentoML reports request errors on (``serving.logs`` keeps a client's bad
# body to one WARNING line there).
_BENTO_LOG = logging.getLogger("bentoml._internal.server.http_app")


def find_factory(app: Any) -> Any | None:
    """BentoML's ``ServiceAppFactory`` behind the Starlette ``app``, when its ``classify``
    route batches; None otherwise."""
    for route in getattr(getattr(app, "router", None), "routes", ()):
        if getattr(route, "name", None) != API_NAME or getattr(route, "path", None) != ROUTE:
            continue
        factory = getattr(getattr(route, "endpoint", None), "func", None)
        factory = getattr(factory, "__self__", None)
        if API_NAME in getattr(factory, "dispatchers", {}) and hasattr(factory, "batch_infer"):
            return factory
    return None


class FastClassify:
    """Answers ``POST /classify`` for the guard of one app (see the module docstring)."""

    def __init__(self) -> None:
        self._factory: Any = None
        self._looked = False
        self._dispatch: Any = None
        self._func: Any = None
        self._instance: Any = None
        self._sizes: Any = None

    def factory(self, scope: dict[str, Any]) -> Any | None:
        if not self._looked:
            self._factory = find_factory(scope.get("app"))
            self._looked = self._factory is not None or "app" in scope
        return self._factory

    def _bind(self, factory: Any, instance: Any) -> None:
        """Queue into BentoML's dispatcher with the route's own function as the callback."""
        from bentoml._internal.context import server_context

        dispatcher = factory.dispatchers[API_NAME]
        method = factory.service.apis[API_NAME]
        self._func, self._instance = method.func, instance
        self._validate = method.input_spec.model_validate_json
        self._sizes = factory.adaptive_batch_size_hist.labels(
            runner_name=factory.service.name,
            worker_index=server_context.worker_index,
            method_name=API_NAME,
            service_version=server_context.bento_version,
            service_name=server_context.bento_name,
        )
        self._dispatcher = dispatcher
        self._dispatch = dispatcher(self._infer)

    async def _infer(self, batches: tuple[list[str], ...]) -> list[list[Any]]:
        """One model call for the texts of several requests; each request's answers."""
        self._sizes.observe(len(batches))
        if len(batches) == 1:
            return [await self._func(self._instance, batches[0])]
        answers = await self._func(self._instance, [text for batch in batches for text in batch])
        out, at = [], 0
        for batch in batches:
            out.append(answers[at : at + len(batch)])
            at += len(batch)
        return out

    async def answer(self, scope: dict[str, Any], body: bytes, send: Any) -> bool:
        """Answer the request; False (nothing sent) when the full route must take it."""
        factory = self.factory(scope)
        instance = getattr(factory, "_service_instance", None)
        if instance is None:
            return False
        if instance is not self._instance:
            self._bind(factory, instance)
        from pydantic import ValidationError

        try:
            request = self._validate(body or b"{}")
        except ValidationError as exc:
            _BENTO_LOG.error("Exception on %s [%s]", ROUTE, "POST", exc_info=exc)
            detail = clear_detail(exc.errors(include_context=False, include_input=False))
            await send_json(send, 400, {"error": field_message(detail), "detail": detail})
            return True
        # BentoML's full route (when it runs) sets its own callback; both answer alike.
        self._dispatcher.callback = self._infer
        try:
            answers = await self._dispatch(request.texts)
        except Exception as exc:
            from bentoml.exceptions import BentoMLException

            _BENTO_LOG.error("Exception on %s [%s]", ROUTE, "POST", exc_info=exc)
            status = exc.error_code.value if isinstance(exc, BentoMLException) else 500
            await send_json(send, status, _GENERIC_ERROR if status >= 500 else {"error": str(exc)})
            return True
        await send_json(send, 200, orjson.dumps(answers), _SERVER_HEADER)
        return True


_SERVER_HEADER = {"server": "BentoML Service/jingqing"}
