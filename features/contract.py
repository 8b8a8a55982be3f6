"""The answer contract: what a suggestion and a forecast row are, and the limits around them.

One home for the shapes the models return and the service, the command line and the audit
log pass on: ``TriageModel.suggest`` returns ``Suggestion`` objects; the HTTP answer is a
``Suggestion`` plus ``model_version``/``request_id`` (``serving.schemas``); ``jingqing predict
triage`` writes ``Suggestion`` fields plus ``model_version``; the audit record keeps every
field not marked ``NOT_AUDITED``. A new field is one line here and reaches all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from features.labels import CATEGORIES, DISPOSITIONS, DIVERT_TO
from features.limits import (  # noqa: F401  (re-exported: part of the contract)
    FORECAST_MODELS,
    MAX_BATCH,
    MAX_HOURS,
    MAX_TEXT_CHARS,
)


class _NotAudited:
    """Field marker: words of the call itself, which the audit log must not keep."""


NOT_AUDITED = _NotAudited()


class SameIncident(BaseModel):
    """An earlier call that probably reports the same incident (``/classify`` with calls)."""

    call_id: str
    score: float = Field(description="linker score in [0, 1], at or above its threshold")
    minutes_ago: float = Field(description="how long before this call it came")
    same_grid: bool = Field(description="whether it came from the same grid")


URGENCY_TIERS: tuple[str, ...] = ("紧急", "可能紧急", "一般")


class TextSpan(BaseModel):
    """A piece of the text exactly as it was sent: ``text == sent[start:end]`` (Python string
    offsets, i.e. Unicode code points), with how much it weighed in the answer."""

    start: int = Field(ge=0, description="offset of the first character in the sent text")
    end: int = Field(ge=0, description="offset after the last character")
    text: str = Field(description="the characters of the sent text between start and end")
    weight: float = Field(description="its contribution to the answer (larger is stronger)")


class Suggestion(BaseModel):
    """One triage suggestion; labels and probabilities are exactly what the model returned.

    ``disposition`` and ``divert_to`` are None when the model was trained without routing
    labels: the call taker then chooses the routing, nothing is preselected for them.
    """

    model_config = ConfigDict(extra="forbid")

    category: str = Field(description="the most probable category label")
    confidence: float = Field(description="calibrated probability of `category`")
    probabilities: dict[str, float] = Field(description="probability of every label")
    disposition: str | None = Field(
        description="transfer / on_scene / divert; null when the model has no router"
    )
    divert_to: str | None = Field(
        description='social channel when diverted, else ""; null when the model has no router'
    )
    urgent: bool = Field(description="urgency tier is 紧急 (never diverted when set)")
    urgent_score: float | None = Field(None, description="urgency score in [0, 1]")
    urgency: Literal["紧急", "可能紧急", "一般"] = Field(
        "一般",
        description="urgency tier: 紧急 (dispatch now), 可能紧急 (ask at once whether it is "
        "still going on), 一般; thresholds set from the stated cost of a missed urgent call "
        "against a false alarm",
    )
    urgency_cue: Annotated[TextSpan | None, NOT_AUDITED] = Field(
        None, description="the words of the text that raised the urgency (null for 一般)"
    )
    keywords: Annotated[list[str], NOT_AUDITED] = Field(
        default_factory=list,
        description="the text of `spans`: words of the call that are evidence for `category`",
    )
    spans: Annotated[list[TextSpan], NOT_AUDITED] = Field(
        default_factory=list,
        description="where the keywords are in the sent text, strongest first: evidence "
        "for `category` (a positive contribution to it), never masked personal data",
    )
    review: bool = Field(description="true when the model is unsure: a human should look")
    candidates: list[str] = Field(
        default_factory=list,
        description="the smallest set of labels that holds the true one 90 % of the time "
        "(split conformal on text the simulator did not write), most probable first",
    )
    shift: float | None = Field(
        None,
        description="share of the text's character n-grams no training text holds "
        "(0 familiar, 1 unlike anything seen); a high shift lowers confidence and sets review",
    )
    same_incident: list[SameIncident] | None = Field(
        None, description="with calls: earlier calls of the same incident, best first"
    )

    @classmethod
    def coerce(cls, value: Suggestion | Mapping[str, Any]) -> Suggestion:
        """A ``Suggestion`` from a model's answer (contract object or a plain mapping)."""
        return value if isinstance(value, cls) else cls.model_validate(dict(value))

    @classmethod
    def audited_fields(cls) -> tuple[str, ...]:
        """Fields the audit log keeps (all but those marked ``NOT_AUDITED``)."""
        return tuple(
            name for name, info in cls.model_fields.items() if NOT_AUDITED not in info.metadata
        )


class _FrameRows(BaseModel):
    @classmethod
    def records(cls, frame: Any) -> list[dict[str, Any]]:
        """Plain rows of a forecast frame (times already ISO text), in the contract's order."""
        names = list(cls.model_fields)
        columns = zip(*(frame[name].tolist() for name in names), strict=True)
        return [dict(zip(names, row, strict=True)) for row in columns]


class ForecastRow(_FrameRows):
    """Expected calls of one grid in one hour, with the 80 % interval and the median."""

    grid_id: str
    hour: str = Field(description="start of the hour, ISO 8601 with offset")
    mean: float
    p10: float
    p50: float
    p90: float


class ShiftForecastRow(_FrameRows):
    """Expected calls of one grid in one 8-hour shift (00/08/16 h local), with the 80 %
    interval and the median *of the shift total* (from the count distribution, not sums of
    hourly quantiles). ``hours`` is below 8 where the request cuts the shift."""

    grid_id: str
    shift_start: str = Field(description="start of the shift, ISO 8601 with offset")
    hours: int = Field(description="hours of the shift inside the request (8 unless cut)")
    mean: float
    p10: float
    p50: float
    p90: float


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is blank (only whitespace)")
    return value


def _one_of(allowed: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


CallText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS),
    AfterValidator(_not_blank),
]
Category = Annotated[str, _one_of(CATEGORIES)]
Disposition = Annotated[str, _one_of(DISPOSITIONS)]
DivertTo = Annotated[str, _one_of(("", *DIVERT_TO))]
ShortStr = Annotated[str, StringConstraints(min_length=1, max_length=128)]
# Identifiers a call taker types: letters (any script), digits and - _ . / only, no spaces.
IncidentNo = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[\w./-]+$"),
]
OperatorId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[\w./-]+$"),
]


class Feedback(BaseModel):
    """A call taker's final decision on a suggestion (``POST /feedback``, table ``feedback``).

    The vocabulary is the taxonomy's (``features.labels``): retraining data must follow it.
    """

    model_config = ConfigDict(extra="forbid")

    call_id: ShortStr
    text: CallText = Field(description="the call description; masked before it is stored")
    suggested_category: Category
    final_category: Category
    final_disposition: Disposition
    final_divert_to: DivertTo = Field(
        default="", description='required when final_disposition is "divert"; else ""'
    )
    final_urgent: StrictBool | None = None  # true/false as documented, not 0 or "yes"
    model_version: ShortStr | None = None
    incident_no: IncidentNo | None = Field(
        None, description="the incident number (警情编号) of the dispatch system; masked"
    )
    operator_id: OperatorId | None = Field(
        None, description="the call taker's operator id (接警员工号); masked"
    )

    @model_validator(mode="before")
    @classmethod
    def _operator_alias(cls, data: Any) -> Any:
        # ``operator`` was this field's name before ``operator_id``; old clients still send it
        if isinstance(data, dict) and "operator" in data and "operator_id" not in data:
            data = {**data, "operator_id": data["operator"]}
            del data["operator"]
        return data

    @model_validator(mode="after")
    def _routing_consistent(self) -> Feedback:
        if self.final_disposition == "divert" and not self.final_divert_to:
            raise ValueError('final_divert_to is required when final_disposition is "divert"')
        if self.final_disposition != "divert" and self.final_divert_to:
            raise ValueError('final_divert_to must be empty unless final_disposition is "divert"')
        return self


FEEDBACK_FIELDS: tuple[str, ...] = tuple(Feedback.model_fields)
# What retraining reads back from the feedback store.
FEEDBACK_TRAINING_FIELDS = (
    "text",
    "final_category",
    "final_disposition",
    "final_divert_to",
    "final_urgent",
)
