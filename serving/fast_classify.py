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
2. hands the texts to the route's BentoML adaptive-batching dispatcher
   (``ServiceAppFactory.batch_infer``): the same batches, the same
   ``Jingqing.classify`` -> ``Runtime.classify`` (masking, model, recent calls, audit,
   metrics), the same ``bentoml_service_adaptive_batch_size`` histogram;
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

    def factory(self, scope: dict[str, Any]) -> Any | None:
        if not self._looked:
            self._factory = find_factory(scope.get("app"))
            self._looked = self._factory is not None or "app" in scope
        return self._factory

    async def answer(self, scope: dict[str, Any], body: bytes, send: Any) -> bool:
        """Answer the request; False (nothing sent) when the full route must take it."""
        factory = self.factory(scope)
        if factory is None or getattr(factory, "_service_instance", None) is None:
            return False
        from pydantic import ValidationError

        method = factory.service.apis[API_NAME]
        try:
            request = method.input_spec.model_validate_json(body or b"{}")
        except ValidationError as exc:
            _BENTO_LOG.error("Exception on %s [%s]", ROUTE, "POST", exc_info=exc)
            detail = clear_detail(exc.errors(include_context=False, include_input=False))
            await send_json(send, 400, {"error": field_message(detail), "detail": detail})
            return True
        try:
            answers = await factory.batch_infer(API_NAME, (), {"texts": request.texts})
        except Exception as exc:
            from bentoml.exceptions import BentoMLException

            _BENTO_LOG.error("Exception on %s [%s]", ROUTE, "POST", exc_info=exc)
            status = exc.error_code.value if isinstance(exc, BentoMLException) else 500
            await send_json(send, status, _GENERIC_ERROR if status >= 500 else {"error": str(exc)})
            return True
        await send_json(send, 200, orjson.dumps(answers), _SERVER_HEADER)
        return True


_SERVER_HEADER = {"server": "BentoML Service/jingqing"}
