"""Commands: ``train forecast``, ``backtest forecast`` and the planners' ``forecast``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from features.errors import UserError
from features.labels import DEFAULT_TIMEZONE
from features.limits import FORECAST_MODELS, MAX_HOURS
from training.cliutil import add_city_argument, add_map_argument, output_file, parse_map
from training.distributed import add_scheduler_argument, with_scheduler

log = logging.getLogger(__name__)

MODEL_CHOICES = FORECAST_MODELS


def _data_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calls", required=True, help="calls file (CSV or Parquet)")
    add_map_argument(p)
    p.add_argument(
        "--tz",
        "--timezone",
        dest="timezone",
        help=f"time zone of naive times (default {DEFAULT_TIMEZONE})",
    )
    p.add_argument("--grids-geojson", help="grid polygons (GeoJSON); assigns calls by lat/lon")
    p.add_argument("--cell-size", type=float, help="regular lattice of this cell size in metres")
    p.add_argument(
        "--include-patrol",
        action="store_true",
        help="also count patrol-initiated calls (default: citizen calls only)",
    )
    p.add_argument("--holiday-country", help="holiday calendar (default CN; US for America/*)")
    p.add_argument(
        "--count",
        choices=("calls", "incidents"),
        default="calls",
        help="what to forecast: calls, or incidents (the calls of one incident count once: "
        "by incident_id, else linked by text, time and place)",
    )


def register(verbs) -> None:
    _train_parser(verbs.train)
    _backtest_parser(verbs.backtest)
    _forecast_parser(verbs.top)


def _command(group, help_text: str, description: str, handler, *, data: bool = True):
    """A ``forecast`` sub-command of ``group``; the data options, and ``--scheduler`` for
    the commands that fit models."""
    p = group.add_parser("forecast", help=help_text, description=description)
    if data:
        _data_arguments(p)
        add_scheduler_argument(p)
        p.set_defaults(func=with_scheduler(handler))
    else:
        p.set_defaults(func=handler)
    return p


def _train_parser(group) -> None:
    p = _command(
        group,
        "train the calls-per-grid-hour forecaster",
        "Train the calls-per-grid-hour forecaster on a calls file, backtest it "
        "(rolling origin), log it to MLflow (experiment 'forecast'), register model "
        "'forecast' and move alias 'champion' only if it beats the current champion.",
        train_handler,
    )
    p.add_argument(
        "--model",
        choices=MODEL_CHOICES,
        metavar="MODEL",
        help=f"the mean model to train: {', '.join(MODEL_CHOICES)} (default lightgbm)",
    )
    p.add_argument("--folds", type=int, help="backtest folds for promotion (default 4)")
    add_city_argument(p, training=True)
    p.add_argument(
        "--config",
        type=Path,
        help="YAML file with forecast options and model sections (lightgbm:, prophet:, ...)",
    )


def _backtest_parser(group) -> None:
    p = _command(
        group,
        "rolling-origin backtest of the forecaster",
        "Rolling-origin backtest: fit each model on the calls before each cutoff, "
        "forecast the next --horizon hours, write every prediction to --output (CSV) and "
        "print Poisson deviance, MAE, skill and interval coverage per model.",
        backtest_handler,
    )
    p.add_argument("--cutoff", help="first forecast hour (default: folds × horizon before end)")
    p.add_argument(
        "--horizon", type=int, default=MAX_HOURS, help=f"hours to forecast (1-{MAX_HOURS})"
    )
    p.add_argument("--output", required=True, help="CSV grid_id,hour,model,mean,p10,p50,p90")
    p.add_argument(
        "--model",
        default="lightgbm",
        help=f"model, comma list or 'all' ({','.join(MODEL_CHOICES)})",
    )
    p.add_argument(
        "--folds", type=int, default=1, help="cutoffs HORIZON apart from --cutoff (default 1)"
    )
    p.add_argument(
        "--intensity",
        help="true intensity parquet (simulated city) for the oracle row;"
        " default: intensity.parquet beside --calls if present",
    )
    p.add_argument("--report", help="write the metrics tables as Markdown to this file")


def _forecast_parser(group) -> None:
    p = _command(
        group,
        "planners' forecast from forecast@champion",
        "Forecast calls per grid and hour (or 8-hour shift) from the registered "
        "champion forecaster; write a CSV for Excel (UTF-8 with BOM, grid names, local "
        "times), a heat-map PNG and a GeoJSON map beside it.",
        forecast_handler,
        data=False,
    )
    p.add_argument("--start", help="first hour (default: the model's history end)")
    p.add_argument("--hours", type=int, required=True, help=f"hours to forecast (1-{MAX_HOURS})")
    p.add_argument("--output", required=True, help="CSV grid_id,hour,mean,p10,p50,p90")
    p.add_argument("--grids", help="comma-separated grid ids (default: all)")
    p.add_argument("--grids-geojson", help="polygons for the map (default: the model's own)")
    by_help = "CSV rows per grid and hour (default) or per 8-hour shift (00/08/16 h) with the interval of the shift total"
    p.add_argument("--by", choices=("hour", "shift"), default="hour", help=by_help)
    add_city_argument(p)


def _models(value: str) -> list[str]:
    names = list(MODEL_CHOICES) if value == "all" else [m.strip() for m in value.split(",")]
    bad = [m for m in names if m not in MODEL_CHOICES]
    if bad or not names:
        raise UserError(f"--model {value!r}: choose from {', '.join(MODEL_CHOICES)} or 'all'")
    return names


def train_handler(args: argparse.Namespace) -> int:
    from training.forecast.train import ForecastConfig, run_train_forecast

    cfg = ForecastConfig.load(
        args.config,
        model=args.model,
        timezone=args.timezone,
        holiday_country=args.holiday_country,
        include_patrol=args.include_patrol or None,
        count=args.count,
        folds=args.folds,
    )
    result = run_train_forecast(
        args.calls,
        cfg,
        mapping=parse_map(args.map),
        grids_geojson=args.grids_geojson,
        cell_size_m=args.cell_size,
        city=args.city,
    )
    s = result.summary
    print(
        f"{cfg.model}: backtest ({cfg.folds} folds × {cfg.horizon} h) Poisson deviance "
        f"{s['poisson_deviance']:.4f}, MAE {s['mae']:.4f}, skill vs seasonal-naive "
        f"{s['skill_vs_seasonal_naive']:.1%}, 80% coverage {s['coverage80']:.1%}"
    )
    print(result.promotion.summary())
    print(f"MLflow run {result.run_id}")
    return 0


def backtest_handler(args: argparse.Namespace) -> int:
    import pandas as pd

    from training.forecast.backtest import (
        fold_cutoffs,
        markdown_table,
        predictions_frame,
        run_backtest,
        summary_table,
    )
    from training.forecast.data import default_holiday_country, load_forecast_data, load_intensity

    if not 1 <= args.horizon <= MAX_HOURS:
        raise UserError(f"--horizon must be between 1 and {MAX_HOURS}, got {args.horizon}")
    output_file(args.output)
    models = _models(args.model)
    data = load_forecast_data(
        args.calls,
        mapping=parse_map(args.map),
        timezone=args.timezone or DEFAULT_TIMEZONE,
        grids_geojson=args.grids_geojson,
        cell_size_m=args.cell_size,
        include_patrol=args.include_patrol,
        count=args.count,
    )
    panel = data.panel
    first = None
    if args.cutoff:
        try:
            first = panel.index_of(args.cutoff)
        except (ValueError, TypeError) as exc:
            raise UserError(f"--cutoff {args.cutoff!r} is not a time: {exc}") from None
    cutoffs = fold_cutoffs(panel.n_hours, args.folds, args.horizon, first)
    intensity_path = args.intensity or (Path(args.calls).parent / "intensity.parquet")
    intensity = None
    if args.intensity or Path(intensity_path).exists():
        column = "expected_incidents" if args.count == "incidents" else "expected"
        intensity = load_intensity(intensity_path, panel, column)
    runs = list(models) + (["oracle"] if intensity is not None else [])
    country = args.holiday_country or default_holiday_country(args.timezone or DEFAULT_TIMEZONE)
    results = run_backtest(
        panel, runs, cutoffs, args.horizon, holiday_country=country, intensity=intensity
    )
    frame = predictions_frame(results)
    from training.forecast.planner import write_csv

    write_csv(frame, Path(args.output))
    print(f"wrote {len(frame)} rows to {args.output}")
    summary = summary_table(results)
    if summary.empty:
        print("no outcomes after the cutoff in the calls file: metrics not computed")
    else:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            print(summary.round(4).to_string(index=False))
        if args.report:
            Path(args.report).write_text(markdown_table(summary), encoding="utf-8")
            print(f"wrote {args.report}")
    return 0


def forecast_handler(args: argparse.Namespace) -> int:
    from training.datasets import model_name
    from training.forecast.planner import write_planner_outputs
    from training.tracking import load_champion

    model, _ = load_champion(model_name("forecast", args.city))
    grids = [g.strip() for g in args.grids.split(",") if g.strip()] if args.grids else None
    frame = model.forecast(args.start, args.hours, grids)
    geojson = model.geojson
    if args.grids_geojson:
        path = Path(args.grids_geojson)
        if not path.exists():
            raise UserError(f"grids file not found: {path}")
        geojson = path.read_text(encoding="utf-8")
    shifts = model.forecast_shifts(args.start, args.hours, grids) if args.by == "shift" else None
    paths = write_planner_outputs(frame, args.output, geojson, model.centroids, shifts)
    start = frame["hour"].min()
    print(
        f"{model.model_name} forecast from {start} for {args.hours} h, "
        f"{frame['grid_id'].nunique()} grids: {', '.join(str(p) for p in paths)}"
    )
    return 0
