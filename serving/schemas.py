"""Request and answer models of the HTTP service (pydantic, strict about what comes in).

Every bad request is refused by these models before it reaches a model, so the error the
client sees names the offending field (``texts.3``, ``hours``, ``final_category``). The
answer and the feedback record are the contract's types (``features.contract``); this module
only adds what the service alone knows (``model_version``, ``request_id``).
"""

from __future__ import annotations

import itertools
import os
import time
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from features.contract import (
    MAX_BATCH,
    MAX_HOURS,
    CallText,
    Feedback,
    ForecastRow,
    ShiftForecastRow,
    Suggestion,
)
from serving.call_requests import calls_as_texts

__all__ = [
    "ClassifyRequest",
    "FeedbackAck",
    "FeedbackRequest",
    "ForecastRequest",
    "ForecastRow",
    "ShiftForecastRow",
    "ServedSuggestion",
    "new_request_id",
]

_ID_PREFIX = os.urandom(6).hex()
_ID_COUNTER = itertools.count(1)


def new_request_id() -> str:
    """A request id unique across workers and restarts: random per process, then a counter.

    ``uuid4`` reads the kernel's entropy pool on every call (~70 µs on small VMs), which is
    a noticeable share of a 1 ms request.
    """
    return f"{_ID_PREFIX}{next(_ID_COUNTER):010x}"


class ReceivedText(str):
    """A call text stamped with the id and arrival time of the request that carried it.

    Adaptive batching merges the texts of many requests into one list before the model
    sees them; the stamp lets the batch still write one audit line per suggestion with the
    right request id and the latency that request really experienced.
    """

    request_id: str
    received: float
    call: dict | None

    @classmethod
    def stamp(cls, text: str, request_id: str, received: float) -> ReceivedText:
        out = cls(text)
        out.request_id = request_id
        out.received = received
        out.call = None  # the call, when the request sent calls
        return out


class ClassifyRequest(BaseModel):
    """``POST /classify``: 1–256 call descriptions, each 1–2,000 characters.

    Or ``{"calls": [{"call_id", "text", "received_at", "grid_id"?, "lat"?, "lon"?}]}``:
    then each suggestion also lists the earlier calls of the same incident.
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _calls(cls, data: object, handler) -> ClassifyRequest:
        data, calls = calls_as_texts(data)
        request = handler(data)
        for text, call in zip(request.texts, calls or (), strict=False):
            text.call = call
        return request

    texts: list[CallText] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="call descriptions, answered in the same order",
        examples=[["XX路XX小区5号楼，与邻居因停车位发生口角。"]],
    )

    @field_validator("texts", mode="after")
    @classmethod
    def _stamp(cls, texts: list[str]) -> list[str]:
        request_id = new_request_id()
        received = time.perf_counter()
        return [ReceivedText.stamp(text, request_id, received) for text in texts]


class ServedSuggestion(Suggestion):
    """The contract's suggestion plus what only the service knows."""

    model_version: str = Field(description='registry version of the champion, e.g. "triage/3"')
    request_id: str = Field(description="id of the request; also written to the audit log")


class ForecastRequest(BaseModel):
    """``POST /forecast``: hourly forecasts from ``start`` for ``hours`` hours."""

    model_config = ConfigDict(extra="forbid")

    start: datetime = Field(
        description="ISO 8601 time; naive times are local (Asia/Shanghai); floored to the hour",
        examples=["2026-01-01T08:00"],
    )
    hours: int = Field(ge=1, le=MAX_HOURS, strict=True, description="number of hours, 1–168")
    grid_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] | None = Field(
        default=None, min_length=1, max_length=10_000, description="default: all grids"
    )
    by: Literal["hour", "shift"] = Field(
        default="hour",
        description='"hour": one row per grid and hour; "shift": one row per grid and 8-hour '
        "shift (00/08/16 h local) with the interval of the shift total",
    )

    @field_validator("start")
    @classmethod
    def _start_in_calendar(cls, start: datetime) -> datetime:
        # The ends of the calendar overflow once shifted to the service's time zone.
        if not 1900 <= start.year <= 2200:
            raise ValueError("start must lie between the years 1900 and 2200")
        return start


FeedbackRequest = Feedback  # ``POST /feedback`` takes the contract's decision record


class FeedbackAck(BaseModel):
    id: int = Field(description="row id, returned only after the row is committed to disk")
    replaces: int | None = Field(
        None,
        description="id of the earlier correction of the same call_id, which this one "
        "supersedes for retraining (the earlier row is kept as history); null for the first",
    )
