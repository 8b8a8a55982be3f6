"""Forecasting benchmark: backtest tables and the issue-4 targets.

Runs rolling-origin backtests (4 folds × 168 h) of every model on the simulated city (with
the oracle), on Houston police beats and on a 2 km lattice over Houston, then times
LightGBM training on 51 grids × 1 year against per-grid Prophet fit + predict.

    .venv/bin/python benchmarks/forecast/run.py [--sections sim,houston,lattice,timing]

Writes benchmarks/results/forecast.json and benchmarks/results/forecast_tables.md and
prints a summary.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from training.forecast.backtest import (  # noqa: E402
    HOURLY_METRIC_COLUMNS,
    METRIC_COLUMNS,
    SHIFT_METRIC_COLUMNS,
    fold_cutoffs,
    markdown_table,
    metrics_table,
    run_backtest,
    summary_table,
)
from training.forecast.data import load_forecast_data, load_intensity  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
HOUSTON = Path(os.environ.get("JINGQING_HOUSTON", ROOT / "data/houston-2010"))
MODELS = "lightgbm,seasonal-naive,how-mean,level-shape,grid-rhythm"
# the simple references a model must beat: what an analyst or a classical forecaster picks
REFERENCES = ("seasonal-naive", "how-mean", "level-shape", "mstl", "ets")
CANDIDATES = ("lightgbm", "grid-rhythm")  # what is judged against the references
FOLDS, HORIZON = 4, 168
FOLD_CACHE = Path(tempfile.gettempdir()) / "jingqing-bench-folds"
HOUSTON_MAP = {"received_at": "time_local", "grid_id": "beat"}

log = logging.getLogger("benchmark")


def simulator_stamp() -> str:
    """A digest of the simulator's code: a cached city made by other code is not reused."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "training" / "simulator").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def simulate(days: int = 365, grids: int = 51) -> Path:
    from training.simulator import run_simulate

    out = Path(tempfile.gettempdir()) / f"jingqing-bench-city-{grids}x{days}-{simulator_stamp()}"
    if not (out / "intensity.parquet").exists():
        run_simulate(
            out, grids=grids, days=days, start="2025-01-01", seed=0, force=True, progress=False
        )
    return out


def grid_checkpoints(folder: Path):
    """A ``map_tasks`` for per-grid tasks (Prophet's) that saves each grid's result in
    ``folder`` as it finishes and reuses the saved ones: a stop loses at most the grids
    being fitted, not the fold."""
    import numpy as np

    from features.tasks import active_client

    def run(fn, items, *shared, desc=None, unit="task"):
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"{getattr(item, 'grid_id', i)}.npy" for i, item in enumerate(items)]
        done = {i: np.load(p) for i, p in enumerate(paths) if p.exists()}
        todo = [i for i in range(len(items)) if i not in done]
        client = active_client()
        if client is None:
            for i in todo:
                done[i] = fn(items[i], *shared)
                np.save(paths[i], done[i])
        else:
            from distributed import as_completed

            sent = [client.scatter([value], broadcast=True)[0] for value in shared]
            futures = {client.submit(fn, items[i], *sent, pure=False): i for i in todo}
            for future in as_completed(futures):
                i = futures[future]
                done[i] = future.result()
                np.save(paths[i], done[i])
        return [done[i] for i in range(len(items))]

    return run


def resumable_folds(key: str, panel, runs, cutoffs, country, intensity, cluster) -> list:
    """Every (model, fold) in this process, one after another, each saved to
    ``FOLD_CACHE`` when done, so a stopped run resumes where it stopped (delete the folder
    after changing a model); Prophet's per-grid fits are saved one by one as well. Under
    ``cluster`` a model's per-grid fits (Prophet, MSTL) are the Dask tasks; LightGBM keeps
    its in-memory fit, as in a fold on a worker."""
    import pickle
    from unittest import mock

    from training.distributed import scheduler
    from training.forecast.backtest import FoldSpec, run_fold

    results = []
    with scheduler(cluster):
        for model in runs:
            for k, cut in enumerate(cutoffs):
                path = FOLD_CACHE / f"{key}-{model}-{cut}.pkl"
                if path.exists():
                    results.append(pickle.loads(path.read_bytes()))
                    continue
                params = {"engine": "memory"} if model == "lightgbm" else {}
                spec = FoldSpec(k, cut, HORIZON, model, country, params)
                grids = grid_checkpoints(FOLD_CACHE / f"{key}-{model}-{cut}-grids")
                with mock.patch("features.prophet_model.map_tasks", grids):
                    results.append(run_fold(panel, spec, intensity))
                FOLD_CACHE.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pickle.dumps(results[-1]))
                print(f"{key}: {model} fold {k + 1}/{len(cutoffs)} done", flush=True)
    return results


def backtest_section(
    name: str,
    data,
    models,
    country: str,
    intensity=None,
    stored=None,
    cluster=None,
    resume: str | None = None,
) -> dict:
    """Backtest ``models``; rows of other models already stored (``stored()``, read when
    the backtest is done, for the same folds) are kept. ``cluster``: a ``--scheduler``
    spec to run the folds on (the results are the same as in this process). ``resume``: a
    key under which each finished fold is saved and reused (:func:`resumable_folds`)."""
    import pandas as pd

    from training.distributed import scheduler

    panel = data.panel
    cutoffs = fold_cutoffs(panel.n_hours, FOLDS, HORIZON)
    runs = list(models) + (["oracle"] if intensity is not None else [])
    started = time.perf_counter()
    if resume:
        results = resumable_folds(resume, panel, runs, cutoffs, country, intensity, cluster)
    else:
        with scheduler(cluster):
            results = run_backtest(
                panel, runs, cutoffs, HORIZON, holiday_country=country, intensity=intensity
            )
    summary = summary_table(results)
    per_fold = metrics_table(results)
    cut_text = [str(panel.hours(c, c + 1)[0]) for c in cutoffs]
    previous = stored() if stored else None
    if previous and previous.get("cutoffs") == cut_text:
        kept = [r["model"] for r in previous["summary"] if r["model"] not in runs]
        if kept:
            print(f"keeping the earlier rows of {', '.join(kept)} (same folds)")
        old = pd.DataFrame([r for r in previous["summary"] if r["model"] in kept])
        old_folds = pd.DataFrame([r for r in previous["folds"] if r["model"] in kept])
        summary = pd.concat([summary, old], ignore_index=True)
        per_fold = pd.concat([per_fold, old_folds], ignore_index=True)
    print(f"\n## {name} ({len(panel.grid_ids)} grids × {panel.n_hours} h, {FOLDS} folds)")
    print(summary.round(4).to_string(index=False))
    return {
        "grids": len(panel.grid_ids),
        "hours": panel.n_hours,
        "calls": int(panel.counts.sum()),
        "cutoffs": cut_text,
        "seconds": time.perf_counter() - started,
        "summary": summary.to_dict(orient="records"),
        "folds": per_fold.to_dict(orient="records"),
        "markdown": markdown_table(summary, HOURLY_METRIC_COLUMNS),
        "markdown_shifts": markdown_table(summary, SHIFT_METRIC_COLUMNS),
    }


def partial_section(key: str, model: str, stored: dict) -> dict | None:
    """``model``'s finished folds under ``FOLD_CACHE`` (a run still going, or stopped)
    beside every stored model on the same folds: a fair comparison before all folds are
    done. None when no fold of ``model`` has finished."""
    import pickle

    import pandas as pd

    from training.forecast.backtest import metrics_table

    paths = sorted(FOLD_CACHE.glob(f"{key}-{model}-*.pkl"))
    results = [pickle.loads(p.read_bytes()) for p in paths]
    if not results:
        return None
    done = sorted(r.spec.fold for r in results)
    ours = metrics_table(results)
    others = pd.DataFrame(
        [r for r in stored["folds"] if r["fold"] in done and r["model"] != model]
    )
    table = pd.concat([others, ours], ignore_index=True)
    order = list(dict.fromkeys(table["model"]))
    summary = table.groupby("model", sort=False)[list(METRIC_COLUMNS)].mean()
    summary.insert(0, "folds", table.groupby("model", sort=False)["fold"].count())
    summary = summary.loc[order].reset_index()
    return {
        "model": model,
        "folds_done": done,
        "folds_total": len(stored["cutoffs"]),
        "summary": summary.to_dict(orient="records"),
        "markdown": markdown_table(summary, HOURLY_METRIC_COLUMNS),
        "markdown_shifts": markdown_table(summary, SHIFT_METRIC_COLUMNS),
    }


def _stored(path: Path, key: str) -> dict | None:
    """A section as the results file holds it now (another run may have added rows)."""
    return json.loads(path.read_text()).get(key) if path.exists() else None


def _row(section: dict, model: str) -> dict:
    return next(r for r in section["summary"] if r["model"] == model)


def _has(section: dict, model: str) -> bool:
    return any(r["model"] == model for r in section["summary"])


def _dev(section: dict, model: str) -> float:
    return _row(section, model)["poisson_deviance"]


def real_city_targets(key: str, section: dict) -> dict[str, float | str]:
    """LightGBM against the best simple reference that ran, and its PEI (10 %, 8 h)."""
    refs = [m for m in REFERENCES if _has(section, m)]
    best = min(refs, key=lambda m: _dev(section, m))
    out: dict[str, float | str] = {
        f"{key}_best_reference": best,
        f"{key}_best_reference_pei_10": _row(section, best)["pei_10"],
    }
    for model in CANDIDATES:
        if _has(section, model):
            gain = 1 - _dev(section, model) / _dev(section, best)
            out[f"{key}_{model}_gain_vs_best_reference"] = gain
            out[f"{key}_{model}_pei_10"] = _row(section, model)["pei_10"]
    return out


def _cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children) user + system CPU seconds so far; Prophet's
    cmdstan runs as a child process per fit, so its CPU is in the second figure."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _timed_fit(model: str, history):
    """Fit ``model`` on ``history``: (forecaster, wall s, process CPU s, children CPU s)."""
    from features.forecaster import Forecaster

    own, kids = _cpu_seconds()
    wall = time.perf_counter()
    forecaster = Forecaster(model, "CN").fit(history)
    wall = time.perf_counter() - wall
    own_after, kids_after = _cpu_seconds()
    return forecaster, wall, own_after - own, kids_after - kids


def timing_section(city: Path) -> dict:
    """LightGBM vs per-grid Prophet on 51 grids × 1 year, same run: fit wall and CPU time
    (Prophet's fit includes its predictions, and its cmdstan child processes' CPU), and the
    deviance of each on the week after the year (fit time bought with accuracy is no win)."""
    from training.forecast.metrics import poisson_deviance

    data = load_forecast_data(city / "calls.csv", grids_geojson=city / "grids.geojson")
    panel = data.panel
    year = 365 * 24
    if panel.n_hours < year + HORIZON:
        raise SystemExit(f"the timing city has {panel.n_hours} hours, needs {year + HORIZON}")
    history = panel.truncate(year)
    y = panel.counts[:, year : year + HORIZON]
    load_before = os.getloadavg()[0]
    out: dict = {"grids": len(panel.grid_ids), "hours": year, "scored_hours": HORIZON}
    for model in ("lightgbm", "prophet"):
        forecaster, wall, own, kids = _timed_fit(model, history)
        pred = forecaster.predict_from(history, year, year, HORIZON)
        key = model
        out[f"{key}_fit_seconds"] = wall
        out[f"{key}_fit_cpu_seconds"] = own + kids
        out[f"{key}_fit_cpu_seconds_children"] = kids
        out[f"{key}_next_week_deviance"] = poisson_deviance(y, pred.mean)
    out["prophet_to_lightgbm_ratio"] = out["prophet_fit_seconds"] / out["lightgbm_fit_seconds"]
    out["prophet_to_lightgbm_cpu_ratio"] = (
        out["prophet_fit_cpu_seconds"] / out["lightgbm_fit_cpu_seconds"]
    )
    out.update(
        load_average_1m_before=load_before,
        load_average_1m=os.getloadavg()[0],
        cores=os.cpu_count(),
    )
    print(
        f"\n## timing: LightGBM {out['lightgbm_fit_seconds']:.1f} s wall "
        f"({out['lightgbm_fit_cpu_seconds']:.1f} s CPU), Prophet per grid "
        f"{out['prophet_fit_seconds']:.1f} s wall ({out['prophet_fit_cpu_seconds']:.1f} s CPU, "
        f"{out['prophet_fit_cpu_seconds_children']:.1f} s of it in cmdstan); ratio "
        f"{out['prophet_to_lightgbm_ratio']:.1f}x wall, {out['prophet_to_lightgbm_cpu_ratio']:.1f}x "
        f"CPU; next-week deviance {out['lightgbm_next_week_deviance']:.4f} vs "
        f"{out['prophet_next_week_deviance']:.4f} (load average {load_before:.1f} -> "
        f"{out['load_average_1m']:.1f} on {out['cores']} cores)"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="sim,houston,lattice,timing")
    parser.add_argument("--sim-models", default=MODELS, help="models on the simulated city")
    parser.add_argument(
        "--beats-models", default=f"{MODELS},mstl", help="models on the Houston beats"
    )
    parser.add_argument(
        "--lattice-models",
        default=f"{MODELS},prophet,mstl",
        help="models on the 551-cell lattice (prophet and mstl take hours there: "
        "run them with --scheduler local:2)",
    )
    parser.add_argument(
        "--scheduler",
        help="run the backtest folds as Dask tasks (local:N or a scheduler address); with "
        "--resume, each model's per-grid fits instead",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=f"save each finished fold under {FOLD_CACHE} and reuse it: a long run "
        "(Prophet on the lattice) can be stopped and started again",
    )
    parser.add_argument(
        "--partial",
        metavar="MODEL",
        help="fit nothing: score MODEL's finished lattice folds (a --resume run still going "
        "or stopped) beside the stored models on the same folds, into the JSON and tables",
    )
    args = parser.parse_args(argv)
    if args.partial:
        return write_partial(args.partial)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("cmdstanpy", "prophet", "features.schema"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    sections = set(args.sections.split(","))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "forecast.json"
    report: dict = json.loads(path.read_text()) if path.exists() else {}
    city = simulate() if "sim" in sections else None
    if "sim" in sections:
        data = load_forecast_data(city / "calls.csv", grids_geojson=city / "grids.geojson")
        intensity = load_intensity(city / "intensity.parquet", data.panel)
        report["simulated_city"] = backtest_section(
            "simulated city",
            data,
            args.sim_models.split(","),
            "CN",
            intensity,
            lambda: _stored(path, "simulated_city"),
            args.scheduler,
            f"sim-{simulator_stamp()}" if args.resume else None,
        )
    if "houston" in sections:
        data = load_forecast_data(
            HOUSTON / "offenses.csv.gz", mapping=HOUSTON_MAP, timezone="America/Chicago"
        )
        report["houston_beats"] = backtest_section(
            "Houston beats",
            data,
            args.beats_models.split(","),
            "US",
            None,
            lambda: _stored(path, "houston_beats"),
            args.scheduler,
            "beats" if args.resume else None,
        )
    if "lattice" in sections:
        data = load_forecast_data(
            HOUSTON / "offenses.csv.gz",
            mapping={"received_at": "time_local"},
            timezone="America/Chicago",
            cell_size_m=2000,
        )
        report["houston_lattice_2km"] = backtest_section(
            "Houston 2 km lattice",
            data,
            args.lattice_models.split(","),
            "US",
            None,
            lambda: _stored(path, "houston_lattice_2km"),
            args.scheduler,
            "lattice" if args.resume else None,
        )
    if "timing" in sections:
        # a year to fit and the week after it to score
        report["timing_51_grids_1_year"] = timing_section(simulate(days=365 + 7))
    # another run may have written other sections meanwhile: keep them, replace only ours
    ran = {"sim": "simulated_city", "houston": "houston_beats"}
    ran.update(lattice="houston_lattice_2km", timing="timing_51_grids_1_year")
    fresh = json.loads(path.read_text()) if path.exists() else {}
    report = {**fresh, **{ran[s]: report[ran[s]] for s in sections if s in ran}}
    targets = {}
    if "simulated_city" in report:
        s = report["simulated_city"]
        targets["sim_lightgbm_over_oracle_deviance"] = _dev(s, "lightgbm") / _dev(s, "oracle")
    for key in ("houston_beats", "houston_lattice_2km"):
        if key in report:
            targets.update(real_city_targets(key, report[key]))
    if "houston_beats" in report and _has(report["houston_beats"], "prophet"):
        h = report["houston_beats"]
        targets["houston_beats_lightgbm_gain_vs_prophet"] = 1 - _dev(h, "lightgbm") / _dev(
            h, "prophet"
        )
    if "timing_51_grids_1_year" in report:
        t = report["timing_51_grids_1_year"]
        targets["lightgbm_fit_seconds_51x1y"] = t["lightgbm_fit_seconds"]
        targets["prophet_over_lightgbm_fit_time"] = t["prophet_to_lightgbm_ratio"]
        if "prophet_to_lightgbm_cpu_ratio" in t:
            targets["prophet_over_lightgbm_fit_cpu"] = t["prophet_to_lightgbm_cpu_ratio"]
    report["targets"] = targets
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    write_tables(report)
    print("\n## targets")
    for key, value in targets.items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    print(f"wrote {path} and {RESULTS / 'forecast_tables.md'}")
    return 0


def write_partial(model: str) -> int:
    path = RESULTS / "forecast.json"
    report = json.loads(path.read_text())
    part = partial_section("lattice", model, report["houston_lattice_2km"])
    if part is None:
        raise SystemExit(f"no finished lattice fold of {model} under {FOLD_CACHE}")
    report["houston_lattice_2km_partial"] = part
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    write_tables(report)
    print(part["markdown"])
    print(f"{model}: folds {part['folds_done']} of {part['folds_total']}; wrote {path}")
    return 0


def write_tables(report: dict) -> None:
    lines = [
        "# Forecast backtests",
        "",
        "Rolling origin, 4 folds × 168 h (the last four weeks of each data set), every grid × "
        "hour. Made by `.venv/bin/python benchmarks/forecast/run.py`.",
        "Deviance = mean Poisson deviance (lower is better; the promotion metric); skill = "
        "1 − deviance / seasonal-naive deviance; coverage80 = share of outcomes whose "
        "randomised PIT falls in the central 80% (calibrated counts give 0.80); "
        "coverage80_interval = share inside the integer [p10, p90] (≥ 0.8 by construction for "
        "sparse counts); hotspot_capture = share of each 8-hour shift's calls in the 10% of "
        "grids forecast highest; shift_poisson_deviance = deviance of 8-hour shift totals per "
        "grid (shifts 00/08/16 h local); shift_coverage80 = PIT share of those totals under the "
        "total's own distribution (the convolution of the hourly count laws), 0.80 if "
        "calibrated; pei_k = calls in the k % of grids forecast highest per shift over the most "
        "any k % of grids held (1 = perfect); pai_k = share of calls caught / share of grids "
        "flagged. References: seasonal-naive (same hour last week), how-mean (the grid's mean "
        "for the hour of week), level-shape (the grid's mean over the last 8 weeks × the city's "
        "hour-of-week shape), mstl (statsforecast MSTL, 24 h + 168 h seasons, ETS trend, per "
        "grid on the last 8 weeks).",
        "",
    ]
    titles = {
        "simulated_city": "Simulated city (51 grids × 365 days, `jingqing simulate`), with the oracle",
        "houston_beats": "Houston 2010, 121 police beats (`--map grid_id=beat`)",
        "houston_lattice_2km": "Houston 2010, 2 km lattice from coordinates (`--cell-size 2000`)",
    }
    for key, title in titles.items():
        if key in report:
            lines += [f"## {title}", "", report[key]["markdown"], ""]
            if "markdown_shifts" in report[key]:
                lines += [
                    "8-hour shift totals per grid (00/08/16 h local) and hotspots:",
                    "",
                    report[key]["markdown_shifts"],
                    "",
                ]
            ran = {r["model"] for r in report[key]["summary"]}
            part = report.get(f"{key}_partial")
            if part and part["model"] not in ran:
                shown = ", ".join(str(k + 1) for k in part["folds_done"])
                lines += [
                    f"{part['model']} on the folds it has finished ({shown} of "
                    f"{part['folds_total']}), every model on those folds only:",
                    "",
                    part["markdown"],
                    part["markdown_shifts"],
                    "",
                ]
            if "prophet" not in ran:
                lines += [
                    "Prophet not run here yet (one fit per cell and fold: hours on 2 shared "
                    "cores); `run.py --sections lattice --lattice-models prophet "
                    "--scheduler local:2` adds its rows to the others.",
                    "",
                ]
    if "timing_51_grids_1_year" in report:
        t = report["timing_51_grids_1_year"]
        lines += ["## Training time, simulated city (51 grids × 1 year)", "", timing_text(t), ""]
    (RESULTS / "forecast_tables.md").write_text("\n".join(lines), encoding="utf-8")


def timing_text(t: dict) -> str:
    """The timing figures in one sentence (runs before CPU time was measured say less)."""
    if "prophet_to_lightgbm_cpu_ratio" not in t:
        return (
            f"LightGBM fit {t['lightgbm_fit_seconds']:.1f} s wall; Prophet per grid, fit + "
            f"predict, {t['prophet_fit_predict_seconds']:.1f} s; ratio "
            f"{t['prophet_to_lightgbm_ratio']:.1f}× (load average {t['load_average_1m']:.1f})."
        )
    return (
        f"One run: LightGBM fit {t['lightgbm_fit_seconds']:.1f} s wall, "
        f"{t['lightgbm_fit_cpu_seconds']:.1f} s CPU; Prophet per grid (fit + predict) "
        f"{t['prophet_fit_seconds']:.1f} s wall, {t['prophet_fit_cpu_seconds']:.1f} s CPU "
        f"({t['prophet_fit_cpu_seconds_children']:.1f} s of it in cmdstan child processes); "
        f"ratio **{t['prophet_to_lightgbm_ratio']:.1f}× wall, "
        f"{t['prophet_to_lightgbm_cpu_ratio']:.1f}× CPU**; deviance on the week after the "
        f"year {t['lightgbm_next_week_deviance']:.4f} (LightGBM) vs "
        f"{t['prophet_next_week_deviance']:.4f} (Prophet); load average "
        f"{t['load_average_1m_before']:.1f} before, {t['load_average_1m']:.1f} after, "
        f"{t['cores']} cores."
    )


if __name__ == "__main__":
    sys.exit(main())
