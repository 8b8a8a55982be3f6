"""Small stand-in champions that honour the answer contract (``features.contract``) exactly.

They let the service be tested on its own: the triage fake scores a handful of cue words,
the forecast fake returns a daily-cycle profile per grid. Both are logged with this file
as ``code_paths``, so a ``bentoml serve`` subprocess can load them like the real models.
"""

from __future__ import annotations

import math
import time

import mlflow.pyfunc
import pandas as pd

TAXONOMY_LABELS = ("criminal", "public_order", "dispute", "assistance", "non_police")
CUES = {
    "刀": 0,
    "偷": 0,
    "打架": 1,
    "噪音": 1,
    "邻居": 2,
    "吵": 2,
    "走失": 3,
    "晕倒": 3,
    "停水": 4,
    "停电": 4,
}
ROUTES = {0: ("transfer", ""), 1: ("transfer", ""), 2: ("on_scene", ""), 3: ("on_scene", "")}


class FakeTriage(mlflow.pyfunc.PythonModel):
    """Cue-word scorer with ``suggest(texts)``; labels are whatever it was built with."""

    def __init__(
        self,
        labels: tuple[str, ...] = TAXONOMY_LABELS,
        delay_ms: float = 0.0,
        routing: bool = True,
    ):
        self.labels = list(labels)
        self.delay_ms = delay_ms
        self.routing = routing  # False: like a model trained without routing columns
        self.batch_sizes: list[int] = []

    def suggest(self, texts: list[str]) -> list[dict]:
        self.batch_sizes.append(len(texts))
        if self.delay_ms:
            time.sleep(self.delay_ms / 1000.0)
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> dict:
        n = len(self.labels)
        scores = [0.2] * n
        hits = [cue for cue in CUES if cue in text]
        for cue in hits:
            scores[CUES[cue] % n] += 2.0
        exp = [math.exp(s) for s in scores]
        total = sum(exp)
        probs = {label: e / total for label, e in zip(self.labels, exp, strict=True)}
        best = max(range(n), key=lambda i: scores[i])
        disposition, divert_to = ROUTES.get(best, ("divert", "12345"))
        if not self.routing:
            disposition = divert_to = None
        urgent_score = 0.9 if "刀" in text else 0.05
        confidence = probs[self.labels[best]]
        return {
            "category": self.labels[best],
            "confidence": confidence,
            "probabilities": probs,
            "disposition": disposition,
            "divert_to": divert_to,
            "urgent": urgent_score > 0.5,
            "urgent_score": urgent_score,
            "keywords": hits,
            "review": confidence < 0.5,
        }

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        return pd.DataFrame(self.suggest([str(t) for t in model_input["text"]]))


class FakeForecast(mlflow.pyfunc.PythonModel):
    """Daily-cycle forecaster with ``forecast(start, hours, grid_ids)``, ``history_end``."""

    def __init__(
        self,
        grid_ids: list[str],
        history_end: str,
        earliest_start: str | None = None,
        timezone: str = "Asia/Shanghai",
    ):
        self.grid_ids = list(grid_ids)
        self.timezone = timezone
        self.history_end = pd.Timestamp(history_end, tz=timezone)
        # a window may be declared wider than what forecast() takes
        self.earliest_start = pd.Timestamp(earliest_start or history_end, tz=timezone)
        # grid centres in a row 1.5 km apart, so POST /plan has a geometry to plan on
        self.centroids = {g: (116.58 + 0.016 * i, 35.41) for i, g in enumerate(self.grid_ids)}

    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return self.earliest_start, self.history_end + pd.Timedelta(hours=336)

    def forecast_shifts(self, start, hours: int, grid_ids: list[str] | None = None):
        from features.shifts import shift_totals

        frame = self.forecast(start, hours, grid_ids)
        ids = list(dict.fromkeys(frame["grid_id"]))
        mu = frame["mean"].to_numpy().reshape(len(ids), hours)
        return shift_totals(ids, pd.DatetimeIndex(frame["hour"][:hours]), mu, 0.1)

    def forecast(self, start, hours: int, grid_ids: list[str] | None = None) -> pd.DataFrame:
        # like the real forecaster: no start means from the end of the history
        start = self.history_end if start is None else pd.Timestamp(start)
        start = start.tz_localize(self.timezone) if start.tzinfo is None else start
        if start < self.history_end:
            raise ValueError(f"start must be at or after {self.history_end.isoformat()}")
        ids = list(grid_ids) if grid_ids is not None else self.grid_ids
        hours_index = pd.date_range(start, periods=hours, freq="h")
        rows = []
        for g_index, grid_id in enumerate(ids):
            for hour in hours_index:
                mean = (1 + g_index % 3) * (1.5 + math.sin(hour.hour / 24 * 2 * math.pi))
                rows.append((grid_id, hour, mean, mean * 0.5, mean, mean * 1.6))
        return pd.DataFrame(rows, columns=["grid_id", "hour", "mean", "p10", "p50", "p90"])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        row = model_input.iloc[0]
        grid_ids = row["grid_ids"] if "grid_ids" in model_input.columns else None
        return self.forecast(row["start"], int(row["hours"]), grid_ids)


def register_fakes(
    triage: FakeTriage | None = None, forecast: FakeForecast | None = None
) -> dict[str, str]:
    """Log and promote the fakes into the store ``training.tracking`` points at."""
    from training.tracking import configure, experiment_id, register_and_promote

    configure()
    exp = experiment_id("serving-fakes")
    versions = {}
    models = {
        "triage": triage or FakeTriage(),
        "forecast": forecast or FakeForecast([f"G{i:02d}" for i in range(1, 6)], "2026-01-01"),
    }
    for name, model in models.items():
        with mlflow.start_run(experiment_id=exp, run_name=f"fake-{name}"):
            info = mlflow.pyfunc.log_model(
                name=name,
                python_model=model,
                code_paths=[__file__],
                pip_requirements=["mlflow", "pandas"],
            )
        promotion = register_and_promote(
            info.model_uri, name, "score", 1.0, higher_is_better=True, allow_tie=True
        )
        versions[name] = promotion.version
    return versions
