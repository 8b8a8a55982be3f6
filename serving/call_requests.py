"""``POST /classify`` with ``{"calls": [...]}``: call texts that carry their call.

A call (``call_id``, ``text``, ``received_at`` and optionally ``grid_id``, ``lat``,
``lon``) is answered like a text, and its suggestion also lists the earlier calls that
probably report the same incident (``serving.recent_calls``). The calls are checked here,
then handed on as texts that carry their call (``ReceivedText.call``), so adaptive
batching (which merges the texts of many requests) keeps working; every problem is one message naming the field
(``calls.2.received_at: …``).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from features.contract import MAX_BATCH, CallText
from features.labels import DEFAULT_TIMEZONE
from features.pii import mask_pii

__all__ = ["CallIn", "calls_as_texts"]

_EARLIEST = datetime(2000, 1, 1)


class CallIn(BaseModel):
    """One call to classify and link."""

    model_config = ConfigDict(extra="forbid")

    call_id: Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
    text: CallText
    received_at: datetime = Field(description="ISO 8601; naive times are local (Asia/Shanghai)")
    grid_id: Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)] | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)

    @field_validator("received_at", mode="after")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        naive = value.replace(tzinfo=None)
        if not _EARLIEST <= naive <= datetime(2100, 1, 1):
            raise ValueError("must be a time between 2000 and 2100")
        return value

    @field_validator("lat", "lon", mode="after")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


_CALLS = TypeAdapter(Annotated[list[CallIn], Field(min_length=1, max_length=MAX_BATCH)])


def calls_as_texts(data: Any) -> tuple[Any, list[dict[str, Any]] | None]:
    """``{"calls": [...]}`` → ``({"texts": [...]}, calls)``; anything else ``(data, None)``.

    Each call comes back as a dict: ``call_id``, ``text``, ``received_at`` (tz-aware
    ``Timestamp``), ``grid_id`` ("" when absent), ``lat``, ``lon``.

    Raises:
        ValueError: one line naming the first bad field, e.g. ``calls.0.received_at: …``.
    """
    if not isinstance(data, dict) or "calls" not in data:
        return data, None
    if "texts" in data:
        raise ValueError('give "texts" or "calls", not both')
    rest = set(data) - {"calls"}
    if rest:
        raise ValueError(f"{mask_pii(str(sorted(rest)[0]))}: unexpected field next to calls")
    try:
        calls = _CALLS.validate_python(data["calls"])
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = mask_pii(".".join(str(p) for p in ("calls", *err["loc"])))  # keys come from clients
        raise ValueError(f"{loc}: {str(err['msg']).removeprefix('Value error, ')}") from None
    seen: set[str] = set()
    out = []
    for k, call in enumerate(calls):
        if call.call_id in seen:
            raise ValueError(f"calls.{k}.call_id: the same call_id appears twice in the request")
        seen.add(call.call_id)
        at = pd.Timestamp(call.received_at)
        at = at.tz_localize(DEFAULT_TIMEZONE) if at.tzinfo is None else at
        out.append(
            {
                "call_id": call.call_id,
                "text": call.text,
                "received_at": at,
                "grid_id": call.grid_id or "",
                "lat": call.lat,
                "lon": call.lon,
            }
        )
    return {"texts": [c["text"] for c in out]}, out
