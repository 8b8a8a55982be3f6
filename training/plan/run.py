"""``jingqing plan``: the forecast champion, a roster, the travel model → plan CSV, map, MLflow run.

``run_plan(cfg)`` is what the command calls and tests call directly. Travel parameters come
from ``--calls`` when the file has response times (``features.deploy.calibrate``; the
fitted values are logged and saved to ``$JINGQING_HOME/plan/travel.json`` so ``POST /plan``
uses them too), else from that saved file, else the defaults.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from features.deploy.plan import SHIFT_HOURS, PlanResult, make_plan
from features.deploy.roster import Roster
from features.deploy.travel import TravelParams
from features.errors import UserError
from features.excel import for_people, grid_names, write_excel_csv

__all__ = ["PlanConfig", "PlanRun", "load_travel_params", "run_plan"]

log = logging.getLogger(__name__)


@dataclass
class PlanConfig:
    """Everything ``jingqing plan`` was asked for (logged as the run's parameters)."""

    output: str
    start: str | None = None
    shifts: int = 3
    units: int | None = None
    roster: str | None = None
    target_minutes: float = 5.0
    min_units: int = 1
    standby_share: float = 1 / 3
    calls: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    grids_geojson: str | None = None
    track: bool = True
    city: str = "demo"  # whose forecast champion (training.datasets)


@dataclass
class PlanRun:
    result: PlanResult
    paths: list[Path]
    forecast_version: str | None
    run_id: str | None
    seconds: float


def travel_json_path() -> Path:
    from training import tracking

    return tracking.home() / "plan" / "travel.json"


def load_travel_params() -> TravelParams:
    """The last calibration saved by ``jingqing plan --calls``, else the defaults."""
    path = travel_json_path()
    if not path.exists():
        return TravelParams()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["hour_factor"] = tuple(raw["hour_factor"])
        raw["follow_depth"] = tuple(raw.get("follow_depth", (1.0,)))  # older files: none
        return TravelParams(**raw)
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("ignoring %s (%s); travel defaults used", path, exc)
        return TravelParams()


def roster_of(cfg: PlanConfig) -> Roster:
    if (cfg.units is None) == (cfg.roster is None):
        raise UserError("give exactly one of --units N or --roster FILE")
    if cfg.roster is not None:
        return Roster.from_file(cfg.roster)
    return Roster.uniform(cfg.units, cfg.shifts)


def geometry_of(model, grids_geojson: str | None):
    from features.deploy.geometry import GridGeometry

    if grids_geojson:
        path = Path(grids_geojson)
        if not path.exists():
            raise UserError(f"grids file not found: {path}")
        return GridGeometry.from_geojson_text(path.read_text(encoding="utf-8"))
    if getattr(model, "geojson", None):
        return GridGeometry.from_geojson_text(model.geojson)
    if getattr(model, "centroids", None):
        log.warning(
            "the forecast model has no grid polygons: travel from 1.5 km squares around the "
            "grid centres (train it with --grids-geojson FILE or pass --grids-geojson FILE here)"
        )
        return GridGeometry.from_centroids(model.centroids)
    raise UserError("the forecast model has no grid geometry; pass --grids-geojson FILE")


def calibrated(cfg: PlanConfig, geometry) -> TravelParams:
    """Fit travel on ``--calls`` (and save it), or the saved / default parameters."""
    if not cfg.calls:
        return load_travel_params()
    from features.deploy.calibrate import calibrate
    from features.deploy.travel import TravelModel
    from features.schema import load_calls

    # the calibration reads times and grids only: the text is neither masked nor kept
    calls = load_calls(
        cfg.calls, mapping=cfg.mapping, require=("received_at", "location"), mask_text=False
    )
    if "dispatched_at" not in calls or "arrived_at" not in calls:
        return _uncalibrated(
            f"{cfg.calls}: no dispatched_at/arrived_at columns "
            "(--map dispatched_at=COL --map arrived_at=COL names yours)"
        )
    params = calibrate(calls, TravelModel(geometry))
    if not params.source.startswith("calibrated"):
        return _uncalibrated(f"{cfg.calls}: too few calls with response times")
    path = travel_json_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(params.to_dict(), indent=1), encoding="utf-8")
    return params


def _uncalibrated(why: str) -> TravelParams:
    """The saved or default travel when ``--calls`` cannot calibrate it, said in one line."""
    params = load_travel_params()
    saved = params.source != "defaults"
    used = f"the calibration saved in {travel_json_path()}" if saved else "the default travel"
    log.warning("%s to calibrate travel from: %s is used", why, used)
    return params


def run_plan(cfg: PlanConfig) -> PlanRun:
    """Plan ``cfg.shifts`` shifts from the forecast champion; write CSV + map; track it."""
    from training import tracking
    from training.plan.picture import plan_map

    began = time.perf_counter()
    roster = roster_of(cfg)
    if not isinstance(cfg.shifts, int) or not 1 <= cfg.shifts <= 21:
        raise UserError(f"--shifts must be a whole number from 1 to 21, got {cfg.shifts!r}")
    from training.datasets import model_name

    model, _ = tracking.load_champion(model_name("forecast", cfg.city))
    version = tracking.champion_version(model_name("forecast", cfg.city))
    forecast = model.forecast(cfg.start, SHIFT_HOURS * cfg.shifts)
    geometry = geometry_of(model, cfg.grids_geojson)
    params = calibrated(cfg, geometry)
    alpha = getattr(getattr(model, "forecaster", None), "alpha_", None)
    result = make_plan(
        forecast,
        geometry,
        roster,
        start=forecast["hour"].min() if cfg.start is None else cfg.start,
        shifts=cfg.shifts,
        target=cfg.target_minutes,
        min_units=cfg.min_units,
        standby_share=cfg.standby_share,
        params=params,
        alpha=alpha,
    )
    out = Path(cfg.output)
    polygons = (
        Path(cfg.grids_geojson).read_text(encoding="utf-8-sig")
        if cfg.grids_geojson
        else getattr(model, "geojson", None)
    )
    times = {"shift_start": "local_time"}  # a date to Excel beside the ISO 8601 start
    write_excel_csv(for_people(result.table, grid_names(polygons), times), out)
    picture = plan_map(result, geometry, Path(f"{out.with_suffix('')}_map.png"))
    paths = [out, picture]
    seconds = time.perf_counter() - began
    run_id = _track(cfg, result, paths, version, seconds) if cfg.track else None
    return PlanRun(result, paths, str(version.version) if version else None, run_id, seconds)


def _track(cfg: PlanConfig, result: PlanResult, paths, version, seconds: float) -> str:
    import mlflow

    from training import tracking

    tracking.configure()
    with mlflow.start_run(experiment_id=tracking.experiment_id("plan")) as run:
        mlflow.set_tags(
            {
                "forecast_model_version": str(version.version) if version else "none",
                "forecast_run_id": getattr(version, "run_id", "") or "",
                "travel_source": result.params.source,
            }
        )
        mlflow.log_params(
            {
                "start": str(result.shifts[0].start),
                "shifts": cfg.shifts,
                "units": cfg.units if cfg.units is not None else "roster",
                "roster": cfg.roster or "",
                "target_minutes": cfg.target_minutes,
                "min_units": cfg.min_units,
                "standby_share": round(cfg.standby_share, 4),
                "calls": cfg.calls or "",
            }
        )
        mlflow.log_metric("share_within_target", result.summary["share_within_target"])
        mlflow.log_metric("expected_calls", result.summary["expected_calls"])
        mlflow.log_metric("seconds", seconds)
        t = result.table
        for shift, part in t.groupby("shift"):
            w = part["expected_calls"].to_numpy()
            share = float(np.average(part["share_within_target"], weights=w)) if w.sum() else 0.0
            mlflow.log_metric(f"share_within_target_shift{shift}", share)
        mlflow.log_dict(result.params.to_dict(), "travel_params.json")
        mlflow.log_dict(result.summary, "summary.json")
        for p in paths:
            mlflow.log_artifact(str(p))
        return run.info.run_id
