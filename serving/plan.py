"""``POST /plan``: the request model and the call into ``features.deploy.plan``.

The body mirrors ``jingqing plan``: ``{"start", "shifts", "units" | "roster",
"target_minutes", "min_units", "standby_share"}``; the answer is the plan table's rows.
Travel parameters are the last calibration saved by ``jingqing plan --calls``
(``$JINGQING_HOME/plan/travel.json``) or the defaults. Every refusal names its field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from features.errors import UserError

__all__ = ["PlanRequest", "PlanRow", "answer", "make_plan_rows", "plan_start"]


class RosterRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shift: int = Field(ge=1, le=21)
    units: int = Field(ge=0, le=100_000)
    kind: str = "car"
    grid_id: str | None = None


def _no_default(schema: dict[str, Any]) -> None:
    """Leave the ``null`` default out of the document: the field is absent, never null."""
    schema.pop("default", None)


class PlanRequest(BaseModel):
    """Units on duty (``units`` per shift, or a ``roster``) and the planning choices."""

    # "exactly one of units or roster" in the OpenAPI document too (the validator below
    # says the same with the field names), so generated clients and schemathesis know it;
    # neither takes null, so a body that matches one branch never matches the other
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["units"]}, {"required": ["roster"]}]},
    )

    start: datetime | None = None
    shifts: int = Field(default=3, ge=1, le=21)
    units: int = Field(default=None, ge=1, le=100_000, json_schema_extra=_no_default)
    roster: list[RosterRow] = Field(
        default=None, min_length=1, max_length=10_000, json_schema_extra=_no_default
    )
    target_minutes: float = Field(default=5.0, gt=0, le=120)
    min_units: int = Field(default=1, ge=0, le=50)
    standby_share: float = Field(default=1 / 3, ge=0, lt=1)

    @model_validator(mode="after")
    def _one_of_units_or_roster(self) -> PlanRequest:
        if (self.units is None) == (self.roster is None):
            raise ValueError("give exactly one of units or roster")
        return self


class PlanRow(BaseModel):
    shift: int
    shift_start: str
    grid_id: str
    expected_calls: float
    calls_p10: int
    calls_p90: int
    units: int
    standby: bool
    standby_units: int
    share_within_target: float
    p90_response_min: float
    utilisation: float | None
    p_all_busy: float
    p_wait: float


_travel_cache: dict[int, Any] = {}


def make_plan_rows(model: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan for ``request`` (a validated ``PlanRequest`` dump) from the forecast model.

    Raises:
        UserError: the message starts with the field it is about (``roster.2.grid_id: …``,
            ``start: …``, ``units: …``).
    """
    import math

    from features.deploy.plan import SHIFT_HOURS, make_plan
    from features.deploy.roster import Roster
    from features.deploy.travel import TravelModel
    from training.plan.run import geometry_of, load_travel_params

    # BentoML hands the validated body back with every field, the absent ones as None
    body = {k: v for k, v in request.items() if not (k in ("units", "roster") and v is None)}
    req = PlanRequest.model_validate(body)
    if req.roster is not None:
        try:
            roster = Roster.from_records([r.model_dump() for r in req.roster])
        except UserError as exc:
            raise UserError(str(exc)) from None
    else:
        roster = Roster.uniform(req.units, req.shifts)
    hours = SHIFT_HOURS * req.shifts
    first = plan_start(model, req.start, hours)
    try:
        forecast = model.forecast(first, hours)
    except (UserError, ValueError, KeyError) as exc:  # the model's own range checks
        raise UserError(f"start: {exc}") from None
    geometry = geometry_of(model, None)
    params = load_travel_params()
    key = id(model)
    travel = _travel_cache.get(key)
    if travel is None or travel.params != params:
        travel = TravelModel(
            geometry.subset(sorted(forecast["grid_id"].astype(str).unique())), params
        )
        _travel_cache.clear()
        _travel_cache[key] = travel
    try:
        result = make_plan(
            forecast,
            geometry,
            roster,
            start=forecast["hour"].min(),
            shifts=req.shifts,
            target=req.target_minutes,
            min_units=req.min_units,
            standby_share=req.standby_share,
            params=params,
            alpha=getattr(getattr(model, "forecaster", None), "alpha_", None),
            travel=travel,
        )
    except UserError as exc:
        text = str(exc)
        if text.startswith(("roster", "start")):
            raise
        raise UserError(f"{'units' if req.roster is None else 'roster'}: {text}") from None
    rows = result.table.to_dict("records")
    for row in rows:
        u = row["utilisation"]
        row["utilisation"] = None if u is None or (isinstance(u, float) and math.isnan(u)) else u
        row["standby"] = bool(row["standby"])
    return rows


def plan_start(model: Any, start: datetime | None, hours: int) -> Any:
    """The first hour to plan, in the model's time zone, checked against the window the
    model forecasts (``start`` defaults to the end of its history, as the model's does)."""
    import pandas as pd

    from serving.runtime import _local_hour, forecast_window

    earliest, latest = forecast_window(model)
    if start is None:
        end = getattr(model, "history_end", None)
        start = end if end is not None else earliest
    try:
        first = _local_hour(start, model.timezone)
    except (ValueError, OverflowError, TypeError, AttributeError):
        raise UserError(
            f"start: {start} is outside what this model can forecast: start from "
            f"{earliest.isoformat()} and end by {latest.isoformat()}"
        ) from None
    last = first + pd.Timedelta(hours=hours)
    if first < earliest or last > latest:
        raise UserError(
            f"start: {first.isoformat()} + {hours} h is outside what this model can forecast: "
            f"start from {earliest.isoformat()} and end by {latest.isoformat()}"
        )
    return first


def answer(runtime: Any, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """``POST /plan`` for the service's runtime; ``RequestProblem`` names the field."""
    from serving.runtime import RequestProblem

    loaded = runtime.models.get("forecast") if hasattr(runtime, "models") else None
    if loaded is None or getattr(loaded, "model", None) is None:
        raise RequestProblem("forecast", "no forecast model is loaded (see /readyz)")
    try:
        return make_plan_rows(loaded.model, fields)
    except UserError as exc:
        field, sep, message = str(exc).partition(": ")
        if not sep or " " in field:
            field, message = "body", str(exc)
        raise RequestProblem(field, message) from None
