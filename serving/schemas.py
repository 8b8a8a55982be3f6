"""Request and answer models of the HTTP service (pydantic, strict about what comes in).

Every bad request is refused by these models before it reaches a model, so the error the
client sees names the offending field (``texts.3``, ``hours``, ``final_category``). The
label vocabulary used to check *feedback* comes from ``features.labels`` (the taxonomy the
retraining data must follow); the labels a suggestion carries always come from the model.
"""

from __future__ import annotations

import itertools
import os
import time
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from features.labels import CATEGORIES, DISPOSITIONS, DIVERT_TO

MAX_TEXTS = 256
MAX_TEXT_CHARS = 2000
MAX_HOURS = 168


_ID_PREFIX = os.urandom(6).hex()
_ID_COUNTER = itertools.count(1)


def new_request_id() -> str:
    """A request id unique across workers and restarts: random per process, then a counter.

    ``uuid4`` reads the kernel's entropy pool on every call (~70 µs on small VMs), which is
    a noticeable share of a 1 ms request.
    """
    return f"{_ID_PREFIX}{next(_ID_COUNTER):010x}"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is blank (only whitespace)")
    return value


Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS),
    AfterValidator(_not_blank),
]


class ReceivedText(str):
    """A call text stamped with the id and arrival time of the request that carried it.

    Adaptive batching merges the texts of many requests into one list before the model
    sees them; the stamp lets the batch still write one audit line per suggestion with the
    right request id and the latency that request really experienced.
    """

    request_id: str
    received: float

    @classmethod
    def stamp(cls, text: str, request_id: str, received: float) -> ReceivedText:
        out = cls(text)
        out.request_id = request_id
        out.received = received
        return out


class ClassifyRequest(BaseModel):
    """``POST /classify``: 1–256 call descriptions, each 1–2,000 characters."""

    model_config = ConfigDict(extra="forbid")

    texts: list[Text] = Field(
        min_length=1,
        max_length=MAX_TEXTS,
        description="call descriptions, answered in the same order",
        examples=[["XX路XX小区5号楼，与邻居因停车位发生口角。"]],
    )

    @field_validator("texts", mode="after")
    @classmethod
    def _stamp(cls, texts: list[str]) -> list[str]:
        request_id = new_request_id()
        received = time.perf_counter()
        return [ReceivedText.stamp(text, request_id, received) for text in texts]


class Suggestion(BaseModel):
    """One triage suggestion; labels and probabilities are exactly what the model returned."""

    category: str
    confidence: float
    probabilities: dict[str, float]
    disposition: str
    divert_to: str
    urgent: bool
    urgent_score: float | None = None
    keywords: list[str]
    review: bool
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


class ForecastRow(BaseModel):
    grid_id: str
    hour: str = Field(description="start of the hour, ISO 8601 with offset")
    mean: float
    p10: float
    p50: float
    p90: float


def _one_of(allowed: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


Category = Annotated[str, _one_of(CATEGORIES)]
Disposition = Annotated[str, _one_of(DISPOSITIONS)]
DivertTo = Annotated[str, _one_of(("", *DIVERT_TO))]
ShortStr = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class FeedbackRequest(BaseModel):
    """``POST /feedback``: the call taker's final decision on a suggestion."""

    model_config = ConfigDict(extra="forbid")

    call_id: ShortStr
    text: Text = Field(description="the call description; masked before it is stored")
    suggested_category: Category
    final_category: Category
    final_disposition: Disposition
    final_divert_to: DivertTo = Field(
        default="", description='required when final_disposition is "divert"; else ""'
    )
    final_urgent: bool | None = None
    model_version: ShortStr | None = None
    operator: ShortStr | None = None

    @model_validator(mode="after")
    def _routing_consistent(self) -> FeedbackRequest:
        if self.final_disposition == "divert" and not self.final_divert_to:
            raise ValueError('final_divert_to is required when final_disposition is "divert"')
        if self.final_disposition != "divert" and self.final_divert_to:
            raise ValueError('final_divert_to must be empty unless final_disposition is "divert"')
        return self


class FeedbackAck(BaseModel):
    id: int = Field(description="row id, returned only after the row is committed to disk")
