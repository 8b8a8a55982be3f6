"""The registered ``forecast`` model: an MLflow pyfunc that forecasts from embedded history.

Contract (COMMON.md): ``loaded.unwrap_python_model().forecast(start, hours, grid_ids=None)``
returns ``grid_id, hour, mean, p10, p50, p90``; attributes ``history_end`` (first hour after
the embedded history) and ``grid_ids``; ``predict(DataFrame[start, hours, grid_ids?])``
returns the same frame. Bad requests raise ``features.errors.UserError``.
"""

from __future__ import annotations

import shutil
import tempfile
from importlib import metadata
from pathlib import Path

import mlflow
import pandas as pd

from features.errors import UserError
from training import legacy

ROOT = Path(__file__).resolve().parents[2]
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


def code_dir(dest: Path) -> list[str]:
    """Copy just the modules the model imports (``features``, ``training.forecast``)."""
    (dest / "training").mkdir(parents=True)
    shutil.copytree(
        ROOT / "features", dest / "features", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "training" / "__init__.py", dest / "training" / "__init__.py")
    shutil.copytree(
        ROOT / "training" / "forecast",
        dest / "training" / "forecast",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return [str(dest / "features"), str(dest / "training")]


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


def log_forecast_model(state: dict, artifact_path: str = "model") -> str:
    """Log the pyfunc with explicit requirements and code paths; return its model URI."""
    import joblib

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        blob = tmp_path / "forecaster.joblib"
        joblib.dump(state, blob, compress=3)
        info = mlflow.pyfunc.log_model(
            name=artifact_path,
            python_model=ForecastModel(),
            artifacts={"forecaster": str(blob)},
            code_paths=code_dir(tmp_path / "code"),
            pip_requirements=pip_requirements(),
        )
    return info.model_uri


def load_champion(name: str = "forecast") -> ForecastModel:
    """``models:/forecast@champion`` unwrapped, or a clear error when none is registered."""
    from training import tracking

    tracking.configure()
    if tracking.champion_version(name) is None:
        raise UserError(
            f"no {name}@champion model yet; run `jingqing train forecast --calls FILE` first"
        )
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    return loaded.unwrap_python_model()
