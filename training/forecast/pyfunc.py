"""The registered ``forecast`` model: an MLflow pyfunc that forecasts from embedded history.

Logged as MLflow "models from code" (``training/forecast/model_code.py``) through
``training.tracking.log_model``, like the triage model; the fitted
:class:`~features.forecaster.Forecaster` is the only pickled state.
Contract: ``loaded.unwrap_python_model().forecast(start, hours, grid_ids=None)``
returns ``grid_id, hour, mean, p10, p50, p90``; attributes ``history_end`` (first hour after
the embedded history) and ``grid_ids``; ``predict(DataFrame[start, hours, grid_ids?])``
returns the same frame. Bad requests raise ``features.errors.UserError``.
"""

from __future__ import annotations

import tempfile
from importlib import metadata
from pathlib import Path

import mlflow
import pandas as pd

from features.errors import UserError
from training import legacy

MODEL_CODE = Path(__file__).with_name("model_code.py")
REQUIREMENTS = (
    "mlflow",
    "numpy",
    "pandas",
    "scipy",
    "lightgbm",
    "joblib",
    "holidays",
    "chinese-calendar",
    "pyarrow",
)


def pip_requirements() -> list[str]:
    """Pinned requirements of the loaded model (what it imports at predict time)."""
    return [f"{name}=={metadata.version(name)}" for name in REQUIREMENTS]


class ForecastModel(mlflow.pyfunc.PythonModel):
    """Pyfunc wrapper around a fitted :class:`features.forecaster.Forecaster`."""

    def load_context(self, context) -> None:
        legacy.install()  # champions pickled before the predict-time objects moved
        import joblib

        state = joblib.load(context.artifacts["forecaster"])
        self._bind(state)

    def _bind(self, state: dict) -> None:
        self.forecaster = state["forecaster"]
        self.geojson = state.get("geojson")
        self.centroids = state.get("centroids") or {}
        self.model_name = self.forecaster.model_name
        self.history_end = self.forecaster.history_end
        self.grid_ids = self.forecaster.grid_ids

    def forecast(
        self, start=None, hours: int = 24, grid_ids: list[str] | None = None
    ) -> pd.DataFrame:
        return self.forecaster.forecast(start, hours, grid_ids)

    def forecast_shifts(
        self, start=None, hours: int = 24, grid_ids: list[str] | None = None
    ) -> pd.DataFrame:
        return self.forecaster.forecast_shifts(start, hours, grid_ids)

    def window(self):
        return self.forecaster.window()

    @property
    def timezone(self) -> str:
        return self.forecaster.timezone

    def predict(
        self, context, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        if not isinstance(model_input, pd.DataFrame) or "hours" not in model_input.columns:
            raise UserError("forecast input needs columns start, hours[, grid_ids]")
        frames = []
        for _, row in model_input.iterrows():
            grids = row.get("grid_ids") if "grid_ids" in model_input.columns else None
            if isinstance(grids, str):
                grids = [g.strip() for g in grids.split(",") if g.strip()]
            elif grids is not None and not isinstance(grids, list | tuple):
                grids = None if pd.isna(grids) else list(grids)
            start = row.get("start")
            start = (
                None if start is None or (not isinstance(start, str) and pd.isna(start)) else start
            )
            frames.append(self.forecast(start, row["hours"], grids))
        return pd.concat(frames, ignore_index=True)


def signature():
    """Input: one row per request, ``start`` (ISO time), ``hours`` and optional ``grid_ids``."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    return ModelSignature(
        inputs=Schema(
            [
                ColSpec("string", "start"),
                ColSpec("long", "hours"),
                ColSpec("string", "grid_ids", required=False),
            ]
        )
    )


def log_forecast_model(state: dict, artifact_path: str = "model") -> str:
    """Log the pyfunc the way both models are logged; return its model URI."""
    import joblib

    from training import tracking

    forecaster = state["forecaster"]
    example = pd.DataFrame(
        {
            "start": [pd.Timestamp(forecaster.history_end).isoformat()],
            "hours": [1],
            "grid_ids": [str(forecaster.grid_ids[0])],
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        blob = Path(tmp) / "forecaster.joblib"
        joblib.dump(state, blob, compress=3)
        info = tracking.log_model(
            MODEL_CODE,
            {"forecaster": str(blob)},
            input_example=example,
            signature=signature(),
            pip_requirements=pip_requirements(),
            name=artifact_path,
        )
    return info.model_uri
