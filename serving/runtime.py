"""What the service does between validation and the answer: models, stores, audit.

Kept out of ``service.py`` so the BentoML class stays a thin list of routes, and so this
logic can be exercised without a server. No feature logic lives here: texts are masked
with ``features.pii.mask_pii`` (the same masking the training data went through) and
everything else is the models' own ``suggest`` / ``forecast``.
"""

from __future__ import annotations

import gc
import logging
import time
from datetime import datetime
from typing import Any

from features.contract import ForecastRow, ShiftForecastRow, Suggestion
from features.errors import UserError
from serving import metrics
from serving.audit import AuditLog
from serving.feedback import FeedbackStore
from serving.logs import enable_logging, quiet_bad_requests
from serving.models import LoadedModel, ModelUnavailable, load_champion
from serving.recent_calls import RecentCalls
from serving.reload import Reloader
from serving.schemas import new_request_id
from serving.settings import Settings

log = logging.getLogger("serving.runtime")

MODEL_NAMES = ("triage", "forecast")
WARM_TEXT = "XX路XX小区5号楼，与邻居因停车位发生口角。"


class RequestProblem(ValueError):
    """A well-formed request the models cannot answer (unknown grid, start out of range)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _mask(text: str, *, incident_no: bool = False) -> str:
    from features.pii import mask_incident_no, mask_pii

    return mask_incident_no(text) if incident_no else mask_pii(text)


def _mask_all(texts: list[str]) -> list[str]:
    from features.batch_text import mask_texts

    return mask_texts(texts)


def warm_segmenter() -> None:
    """Build the segmenter (rjieba with jieba's dictionary) and the masking screen now
    instead of on the first request. jieba's own (Python) dictionary is not loaded: only
    the reference tokenizer the tests compare against uses it, and building it cost ~2 s
    of CPU at every start (11 s of wall time at load 18) with a fresh project home."""
    from features.segment import warm

    warm()


class Runtime:
    """Champion models plus the feedback store and audit log of one service process."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.models: dict[str, LoadedModel] = {}
        self.missing: dict[str, str] = {}
        self.absent: dict[str, str] = {}  # kinds the served city has no model of
        self.labels: list[str] = []
        self.feedback = FeedbackStore(self.settings.home / "feedback" / "feedback.db")
        self.audit = AuditLog(self.settings.home / "logs" / "audit.jsonl")
        self.recent = RecentCalls(self.settings.home / "linking" / "recent_calls.db")
        self.reloader: Reloader | None = None

    # -- start-up ---------------------------------------------------------------------
    def start(self) -> Runtime:
        """Warm the segmenter, load and warm both champions; log what is (not) served."""
        t0 = time.perf_counter()
        enable_logging()
        quiet_bad_requests()
        warm_segmenter()
        self.recent.warm()
        self.absent = untrained_kinds(self.settings.city)
        for name in MODEL_NAMES:
            if name not in self.absent:
                self.load(name)
        for name, reason in self.missing.items():
            log.error("NOT READY: %s model missing: %s", name, reason)
        if self.missing:  # retried in the background until both are served
            self.reloader = Reloader(lambda: list(self.missing), self.load).start()
        # A full garbage collection scans every object the models own (~0.2 s for the
        # triage vocabularies), stalling whichever requests are in flight: collect once
        # now, then move everything alive to the permanent generation so later
        # collections only look at per-request objects.
        gc.collect()
        gc.freeze()
        _note_http_stack()
        served = ", ".join(f"{m.label} ({m.source})" for m in self.models.values()) or "none"
        log.info(
            "serving models: %s; auth %s; started in %.1f s; feedback db %s; audit log %s",
            served,
            "ON (Bearer token)" if self.settings.api_token else "off",
            time.perf_counter() - t0,
            self.feedback.path,
            self.audit.path,
        )
        return self

    def load(self, name: str) -> bool:
        """Load and warm one champion; on failure record why (for ``/readyz``)."""
        try:
            loaded = load_champion(name, self.settings.model_source, self.settings.city)
            getattr(self, f"_warm_{name}")(loaded)
        except ModelUnavailable as exc:
            self.missing[name] = str(exc)
        except Exception as exc:  # a broken artifact must not take the service down
            log.exception("loading %s@champion failed", name)
            self.missing[name] = f"loading failed: {type(exc).__name__}: {exc}"
        else:
            self.models[name] = loaded
            self.missing.pop(name, None)
            return True
        return False

    def _warm_triage(self, loaded: LoadedModel) -> None:
        first = loaded.model.suggest([_mask(WARM_TEXT)])
        loaded.model.suggest([_mask(WARM_TEXT)] * 32)
        self.labels = [str(label) for label in Suggestion.coerce(first[0]).probabilities]
        loaded.extra["labels"] = self.labels

    def _warm_forecast(self, loaded: LoadedModel) -> None:
        model = loaded.model
        grid_ids = [str(g) for g in model.grid_ids]
        earliest, latest = forecast_window(model)
        model.forecast(_local_hour(model.history_end, model.timezone), 1, grid_ids[:1])
        loaded.extra.update(
            grids=len(grid_ids),
            timezone=model.timezone,
            history_end=_local_hour(model.history_end, model.timezone).isoformat(),
            earliest_start=earliest.isoformat(),
            latest_end=latest.isoformat(),
        )

    def close(self) -> None:
        if self.reloader is not None:
            self.reloader.stop()
        self.feedback.close()
        self.recent.close()
        self.audit.close()

    # -- health -----------------------------------------------------------------------
    def missing_reason(self, name: str) -> str | None:
        if name in self.models:
            return None
        return self.missing.get(name) or self.absent.get(name, "not loaded")

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        body: dict[str, Any] = {
            "ready": not self.missing,
            "city": self.settings.city,
            "models": {
                name: {"version": m.label, "source": m.source, **m.extra}
                for name, m in self.models.items()
            },
        }
        if self.absent:
            body["not_trained"] = dict(self.absent)
        if self.missing:
            body["missing"] = dict(self.missing)
            body["error"] = "not ready: " + "; ".join(
                f"{name} model missing ({why})" for name, why in self.missing.items()
            )
        return not self.missing, body

    # -- routes -----------------------------------------------------------------------
    def classify(self, texts: list[str]) -> list[dict[str, Any]]:
        """Suggestions for a batch of texts, possibly from several requests.

        Texts arrive as ``ReceivedText`` (see ``schemas``) when they came over HTTP; each
        carries its request id and arrival time for the answer and the audit line.
        """
        triage = self.models["triage"]
        started = time.perf_counter()
        masked = _mask_all([str(text) for text in texts])
        raw = triage.model.suggest(masked)
        if len(raw) != len(texts):
            raise RuntimeError(f"{triage.label} returned {len(raw)} answers for {len(texts)}")
        done = time.perf_counter()
        fallback_id = new_request_id()
        answers, audit = [], []
        for text, masked_text, s in zip(texts, masked, raw, strict=True):
            request_id = getattr(text, "request_id", fallback_id)
            received = getattr(text, "received", started)
            answer = Suggestion.coerce(s).model_dump()
            answer["model_version"] = triage.label
            answer["request_id"] = request_id
            answer["same_incident"] = self.recent.same_incident(text, answer["category"])
            answers.append(answer)
            metrics.count_suggestion(answer)
            audit.append(
                {
                    "request_id": request_id,
                    "model_version": triage.label,
                    "masked_text": masked_text,
                    "suggestion": answer,
                    "latency_ms": (done - received) * 1000.0,
                }
            )
        self.audit.write(audit)
        return answers

    def forecast(
        self, start: datetime, hours: int, grid_ids: list[str] | None, by: str = "hour"
    ) -> list[dict[str, Any]]:
        """Rows of the champion forecast (per hour, or per 8-hour shift with the interval of
        the shift total); RequestProblem names what cannot be answered."""
        import pandas as pd

        model = self.models["forecast"].model
        known = [str(g) for g in model.grid_ids]
        if grid_ids is not None:
            known_set = set(known)
            unknown = [g for g in grid_ids if g not in known_set]
            if unknown:
                shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
                raise RequestProblem(
                    "grid_ids",
                    f"{len(unknown)} unknown grid id(s): {shown} "
                    f"(this model knows {len(known)} grids, e.g. {', '.join(known[:3])})",
                )
        first = _local_hour(start, model.timezone)
        earliest, latest = forecast_window(model)
        last = first + pd.Timedelta(hours=hours)
        if first < earliest or last > latest:
            raise RequestProblem(
                "start",
                f"{first.isoformat()} + {hours} h is outside what this model can forecast: "
                f"start from {earliest.isoformat()} and end by {latest.isoformat()}",
            )
        try:
            if by == "shift":
                frame = model.forecast_shifts(first, hours, grid_ids)
            else:
                frame = model.forecast(first, hours, grid_ids)
        except (UserError, ValueError, KeyError) as exc:  # the model's own range/grid checks
            raise RequestProblem("start", str(exc)) from exc
        if by == "shift":
            starts = [_local_hour(h, model.timezone).isoformat() for h in frame["shift_start"]]
            return ShiftForecastRow.records(frame.assign(shift_start=starts))
        hours_iso = [_local_hour(h, model.timezone).isoformat() for h in frame["hour"]]
        return ForecastRow.records(frame.assign(hour=hours_iso))

    def add_feedback(self, fields: dict[str, Any]) -> Any:
        """Store one correction; returns the stored row (``id``, ``replaces``)."""
        record = dict(fields)
        for name in ("text", "incident_no", "operator_id"):
            if record.get(name):
                record[name] = _mask(record[name], incident_no=name == "incident_no")
        stored = self.feedback.store(record)
        metrics.count_feedback(record["suggested_category"], record["final_category"])
        return stored


def untrained_kinds(city: str) -> dict[str, str]:
    """Kinds the city has no registered model of (never the demo city's: it serves both),
    with the line a route answers; empty when the registry cannot say."""
    from serving.models import served_cities
    from training.datasets import DEMO_CITY, model_name

    if city == DEMO_CITY:
        return {}
    kinds = (served_cities() or {}).get(city)
    if not kinds:  # nothing known (registry down, no cache): try to load both
        return {}
    return {
        kind: f"city {city} has no {kind} model ({model_name(kind, city)}); train one with "
        f"`jingqing train {kind} --calls FILE --city {city}`"
        for kind in MODEL_NAMES
        if kind not in kinds
    }


def _note_http_stack() -> None:
    """Say when uvicorn runs on its pure-Python fallbacks (about half the throughput)."""
    import importlib.util

    missing = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m) is None]
    if missing:
        log.warning(
            "%s not installed: uvicorn uses its pure-Python HTTP parser/event loop, "
            "roughly halving requests/s (pip install httptools uvloop)",
            " and ".join(missing),
        )


def _local_hour(value: Any, timezone: str) -> Any:
    """A pandas Timestamp in the model's time zone, floored to the hour (naive = local)."""
    import pandas as pd

    ts = pd.Timestamp(value)
    ts = ts.tz_localize(timezone) if ts.tzinfo is None else ts.tz_convert(timezone)
    return ts.floor("h")


def forecast_window(model: Any) -> tuple[Any, Any]:
    """(earliest start, latest end) the forecast model answers: the model's own
    ``window()``, in its own time zone."""
    earliest, latest = model.window()
    return _local_hour(earliest, model.timezone), _local_hour(latest, model.timezone)
