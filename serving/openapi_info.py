"""The OpenAPI document's own title, version, description and request examples.

BentoML fills ``info`` from the service name, the Bento's version (``None`` when served
from source) and its default README (badges, links and a Google Tag Manager reference,
none of which belong on a police intranet); it has no setting for them, so
:func:`serving.openapi.complete` replaces them with these. Each POST route gets one example
the running service really answers: the forecast example starts at the loaded model's
first forecastable hour.
"""

from __future__ import annotations

from typing import Any

TITLE = "jingqing 警情"
DESCRIPTION = (
    "110 接警分诊与警情预测服务 — triage suggestions for 110 call takers and forecasts of "
    "calls per dispatch grid for planners.\n\n"
    "- `POST /classify`: category, routing (disposition, divert_to) and urgency per call text\n"
    "- `POST /forecast`: expected calls per grid and hour (or 8-hour shift) with p10/p50/p90\n"
    "- `POST /plan`: patrol units per grid and shift from the forecast\n"
    "- `POST /feedback`: the call taker's final labels (the text is masked before storage)\n"
    "- `GET /readyz`, `/livez`, `/metrics`: readiness, liveness, Prometheus metrics\n\n"
    "POST routes need `Authorization: Bearer <token>` when `JINGQING_API_TOKEN` is set. "
    'Errors are `{"error": "..."}` naming the field.'
)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("jingqing")
    except PackageNotFoundError:
        return "0+unknown"


def _forecast_start() -> str | None:
    """The served forecast model's first forecastable hour, if a model is loaded."""
    try:
        from serving.service import current_runtime

        runtime = current_runtime()
        loaded = runtime.models.get("forecast") if runtime is not None else None
    except Exception:  # the document must render even while the service starts
        return None
    return loaded.extra.get("history_end") if loaded is not None else None


def examples() -> dict[str, dict[str, Any]]:
    """One working request body per POST route."""
    start = _forecast_start()
    first = {"start": start} if start else {}
    forecast: dict[str, Any] = {**first, "hours": 24}
    return {
        "/classify": {
            "texts": ["XX路XX小区5号楼，与邻居因停车位发生口角。", "有人持刀抢劫，还在打"]
        },
        "/forecast": forecast,
        "/plan": {**first, "units": 20, "shifts": 3},
        "/feedback": {
            "call_id": "C-1",
            "text": "邻居家漏水，吵起来了",
            "suggested_category": "dispute",
            "final_category": "dispute",
            "final_disposition": "divert",
            "final_divert_to": "property",
            "final_urgent": False,
        },
    }


def apply(doc: dict[str, Any]) -> None:
    """Set ``info`` and the request examples of ``doc`` (an OpenAPI document) in place."""
    doc["info"] = {"title": TITLE, "version": version(), "description": DESCRIPTION}
    for path, body in examples().items():
        operation = doc.get("paths", {}).get(path, {}).get("post")
        if not isinstance(operation, dict):
            continue
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if isinstance(media, dict):
            media["example"] = body
