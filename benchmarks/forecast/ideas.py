"""Which modelling ideas earn their place on sparse real counts (Houston 2010)?

Rolling-origin backtests (4 folds × 168 h: the four weeks *before* the last four, so the
choices made here are not judged on the weeks ``run.py`` reports) on Houston police beats and
on the 2 km lattice, for each idea from the forecasting issue: levels over other windows or
recency-weighted, the grid's rhythm shrunk toward the city's, levels shrunk toward the
neighbours (empirical Bayes), a near-repeat (recent-excess) term, and LightGBM with a
Poisson or a Tweedie objective. Every idea is scored against the analyst's reference
(grid level over 8 weeks × city hour-of-week shape) on the same folds; each is logged to
MLflow (experiment ``forecast-ideas``) with ``kept``/``lost``.

    .venv/bin/python benchmarks/forecast/ideas.py [--data beats,lattice] [--no-lightgbm]

Writes benchmarks/results/forecast_ideas.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from features.baselines import GridRhythm, LevelShape, city_shape, hour_of_week  # noqa: E402
from features.forecaster import mean_floor  # noqa: E402
from features.timeseries import WEEK, Panel  # noqa: E402
from training.forecast.backtest import FoldSpec, fold_cutoffs, run_fold  # noqa: E402
from training.forecast.metrics import poisson_deviance, shift_scores  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
HOUSTON = Path(os.environ.get("JINGQING_HOUSTON", ROOT / "data/houston-2010"))
FOLDS, HORIZON = 4, 168
KEEP_GAIN = 0.002  # an idea is kept when it beats its base by at least 0.2 % of deviance
REFERENCE = "reference: level 8 w × city shape"
RHYTHM = "grid rhythm shrunk to city's (prior 20)"  # the base the stacked ideas build on


def cutoffs(panel: Panel) -> list[int]:
    """Selection folds: the four weeks before the four that the benchmark reports."""
    return fold_cutoffs(panel.n_hours, FOLDS, HORIZON, panel.n_hours - 2 * FOLDS * HORIZON)


MeanFn = Callable[[Panel, int, int], np.ndarray]  # (history, origin, hours) -> (grids, hours)


def load(kind: str):
    from training.forecast.data import load_forecast_data

    path = HOUSTON / "offenses.csv.gz"
    if kind == "beats":
        return load_forecast_data(
            path,
            mapping={"received_at": "time_local", "grid_id": "beat"},
            timezone="America/Chicago",
        )
    return load_forecast_data(
        path,
        mapping={"received_at": "time_local"},
        timezone="America/Chicago",
        cell_size_m=2000,
    )


def neighbours(data) -> np.ndarray:
    """Boolean ``(grids, grids)`` adjacency: lattice cells touching, else 6 nearest centroids."""
    ids = data.panel.grid_ids
    cells = [re.fullmatch(r"r(\d+)c(\d+)", g) for g in ids]
    if all(cells):
        rc = np.array([[int(m.group(1)), int(m.group(2))] for m in cells])
        return np.abs(rc[:, None, :] - rc[None, :, :]).max(axis=-1) == 1
    xy = np.array([data.centroids.get(g, (np.nan, np.nan)) for g in ids], dtype=np.float64)
    xy[:, 0] *= np.cos(np.deg2rad(np.nanmean(xy[:, 1])))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
    np.fill_diagonal(dist, np.inf)
    dist = np.nan_to_num(dist, nan=np.inf)
    near = np.argsort(dist, axis=1)[:, :6]
    adj = np.zeros((len(ids), len(ids)), dtype=bool)
    np.put_along_axis(adj, near, True, axis=1)
    return adj


def _shape_times(level: np.ndarray, hist: Panel, origin: int, hours: int) -> np.ndarray:
    shape = city_shape(hist, origin)[hour_of_week(hist, origin, origin + hours)]
    return level[:, None] * shape[None, :]


def level_window(weeks: int | None) -> MeanFn:
    def fn(hist: Panel, origin: int, hours: int) -> np.ndarray:
        lo = 0 if weeks is None else max(0, origin - weeks * WEEK)
        return _shape_times(hist.counts[:, lo:origin].mean(axis=1), hist, origin, hours)

    return fn


def level_recency(half_life_weeks: float) -> MeanFn:
    def fn(hist: Panel, origin: int, hours: int) -> np.ndarray:
        age = np.arange(origin)[::-1]
        w = 0.5 ** (age / (half_life_weeks * WEEK))
        level = (hist.counts[:, :origin] * w).sum(axis=1) / w.sum()
        return _shape_times(level, hist, origin, hours)

    return fn


def model_fn(model) -> MeanFn:
    return lambda hist, origin, hours: model.predict_mean(hist, origin, origin, hours)


def spatial_shrink(adj: np.ndarray, prior_hours: float) -> MeanFn:
    """Each grid's all-history level shrunk toward its neighbours' mean level (EB)."""
    rhythm = GridRhythm()

    def fn(hist: Panel, origin: int, hours: int) -> np.ndarray:
        counts = hist.counts[:, :origin].astype(np.float64)
        level = counts.mean(axis=1)
        hood = (adj @ level) / np.maximum(adj.sum(axis=1), 1)
        post = (counts.sum(axis=1) + prior_hours * hood) / (origin + prior_hours)
        base = rhythm.predict_mean(hist, origin, origin, hours)
        recent = counts[:, max(0, origin - rhythm.weeks * WEEK) :].mean(axis=1)
        return base * (post / np.maximum(recent, 1e-9))[:, None]

    return fn


def near_repeat(days: int, prior: float) -> MeanFn:
    """Grid rhythm × the grid's shrunk excess over the last ``days`` days."""
    rhythm = GridRhythm()

    def fn(hist: Panel, origin: int, hours: int) -> np.ndarray:
        base = rhythm.predict_mean(hist, origin, origin, hours)
        lo = origin - days * 24
        expected = model_fn(rhythm)(hist.truncate(lo), lo, days * 24).sum(axis=1)
        seen = hist.counts[:, lo:origin].sum(axis=1)
        return base * ((seen + prior) / (expected + prior))[:, None]

    return fn


def score_mean(panel: Panel, fn: MeanFn) -> dict[str, float]:
    """Deviance, shift deviance and PEI/PAI over the selection folds for a mean function."""
    return score_mean_on(panel, fn, cutoffs(panel))


def score_mean_on(panel: Panel, fn: MeanFn, cuts: list[int]) -> dict[str, float]:
    rows = []
    for cut in cuts:
        hist = panel.truncate(cut)
        mu = np.maximum(fn(hist, cut, HORIZON), mean_floor(hist, cut)[:, None])
        y = panel.counts[:, cut : cut + HORIZON]
        rows.append(
            {
                "poisson_deviance": poisson_deviance(y, mu),
                **shift_scores(y, mu, 0.0, panel.hours(cut, cut + HORIZON)),
            }
        )
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def noise_floor(panel: Panel, draws: int = 20, seed: int = 0) -> dict[str, float]:
    """If level-shape were the truth: its expected deviance and PEI (10 %) on Poisson draws
    around it, on the folds the benchmark reports (how low a smooth model can go)."""
    rng = np.random.default_rng(seed)
    dev, pei = [], []
    for cut in fold_cutoffs(panel.n_hours, FOLDS, HORIZON):
        hist = panel.truncate(cut)
        mu = np.maximum(LevelShape().predict_mean(hist, cut, cut, HORIZON), 1e-3)
        hours = panel.hours(cut, cut + HORIZON)
        for _ in range(draws):
            y = rng.poisson(mu).astype(np.float64)
            dev.append(poisson_deviance(y, mu))
            pei.append(shift_scores(y, mu, 0.0, hours)["pei_10"])
    measured = score_mean_on(
        panel, model_fn(LevelShape()), fold_cutoffs(panel.n_hours, FOLDS, HORIZON)
    )
    return {
        "expected_deviance_if_true": float(np.mean(dev)),
        "expected_pei_10_if_true": float(np.mean(pei)),
        "measured_deviance": measured["poisson_deviance"],
        "measured_pei_10": measured["pei_10"],
    }


def score_lightgbm(panel: Panel, params: dict) -> dict[str, float]:
    rows = []
    for k, cut in enumerate(cutoffs(panel)):
        res = run_fold(panel, FoldSpec(k, cut, HORIZON, "lightgbm", "US", params))
        rows.append(res.metrics)
    keys = ("poisson_deviance", "shift_poisson_deviance", "pei_10", "pai_10", "shift_coverage80")
    return {k: float(np.mean([r[k] for r in rows])) for k in keys}


def ideas(data, with_lightgbm: bool) -> dict[str, tuple[str, dict, Callable[[], dict]]]:
    panel = data.panel
    adj = neighbours(data)
    out: dict[str, tuple[str, dict, Callable[[], dict]]] = {
        "reference: level 8 w × city shape": (
            "reference",
            {},
            lambda: score_mean(panel, model_fn(LevelShape())),
        ),
        "level over all history × city shape": (
            "level window",
            {"weeks": "all"},
            lambda: score_mean(panel, level_window(None)),
        ),
        "level 4 w × city shape": (
            "level window",
            {"weeks": 4},
            lambda: score_mean(panel, level_window(4)),
        ),
    }
    for half in (2, 8):
        out[f"recency-weighted level (half-life {half} w)"] = (
            "recency",
            {"half_life_weeks": half},
            lambda h=half: score_mean(panel, level_recency(h)),
        )
    for prior in (5.0, 20.0, 200.0):
        out[f"grid rhythm shrunk to city's (prior {prior:g})"] = (
            "grid rhythm",
            {"prior": prior},
            lambda p=prior: score_mean(panel, model_fn(GridRhythm(prior=p))),
        )
    for prior in (100.0, 2000.0):
        out[f"grid rhythm + level shrunk to neighbours (prior {prior:g} h)"] = (
            "spatial EB",
            {"prior_hours": prior},
            lambda p=prior: score_mean(panel, spatial_shrink(adj, p)),
        )
    for days, prior in ((1, 10.0), (3, 10.0), (7, 40.0)):
        out[f"grid rhythm × near-repeat excess ({days} d, prior {prior:g})"] = (
            "near-repeat",
            {"days": days, "prior": prior},
            lambda d=days, p=prior: score_mean(panel, near_repeat(d, p)),
        )
    if with_lightgbm:
        for objective in ("poisson", "tweedie"):
            out[f"lightgbm ({objective})"] = (
                "lightgbm objective",
                {"objective": objective},
                lambda o=objective: score_lightgbm(panel, {"objective": o}),
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="beats,lattice")
    parser.add_argument("--no-lightgbm", action="store_true")
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument(
        "--noise-floor", action="store_true", help="only the level-shape noise floor"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("features.schema", "training.forecast"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    report: dict = {"folds": FOLDS, "horizon": HORIZON, "keep_gain": KEEP_GAIN, "data": {}}
    if args.noise_floor:
        floors = {kind: noise_floor(load(kind).panel) for kind in args.data.split(",")}
        print(json.dumps(floors, indent=2))
        (RESULTS / "forecast_noise_floor.json").write_text(json.dumps(floors, indent=2))
        return 0
    for kind in args.data.split(","):
        data = load(kind)
        results = {}
        for name, (family, params, run) in ideas(data, not args.no_lightgbm).items():
            started = time.perf_counter()
            metrics = run()
            metrics["seconds"] = time.perf_counter() - started
            results[name] = {"family": family, "params": params, "metrics": metrics}
            print(
                f"{kind:8s} {name:58s} dev {metrics['poisson_deviance']:.4f} "
                f"pei10 {metrics['pei_10']:.3f}",
                flush=True,
            )
        ref = results[REFERENCE]["metrics"]["poisson_deviance"]
        for r in results.values():
            r["base"] = RHYTHM if r["family"] in ("spatial EB", "near-repeat") else REFERENCE
            dev = r["metrics"]["poisson_deviance"]
            r["gain_vs_reference"] = 1 - dev / ref
            r["gain_vs_base"] = 1 - dev / results[r["base"]]["metrics"]["poisson_deviance"]
            verdict = "kept" if r["gain_vs_base"] >= KEEP_GAIN else "lost"
            r["verdict"] = "reference" if r["family"] == "reference" else verdict
        report["data"][kind] = {
            "grids": len(data.panel.grid_ids),
            "hours": data.panel.n_hours,
            "ideas": results,
        }
    report["load_average_1m"] = os.getloadavg()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "forecast_ideas.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if not args.no_mlflow:
        log_to_mlflow(report)
    print(markdown(report))
    print(f"wrote {path}")
    return 0


def log_to_mlflow(report: dict) -> None:
    import mlflow

    from training import tracking

    tracking.configure()
    exp = tracking.experiment_id("forecast-ideas")
    for kind, section in report["data"].items():
        for name, r in section["ideas"].items():
            with mlflow.start_run(experiment_id=exp, run_name=f"{kind}: {name}"):
                mlflow.set_tags({"data": kind, "family": r["family"], "verdict": r["verdict"]})
                mlflow.log_params({"data": kind, "idea": name, **r["params"]})
                mlflow.log_metrics(
                    {
                        **r["metrics"],
                        "gain_vs_reference": r["gain_vs_reference"],
                        "gain_vs_base": r["gain_vs_base"],
                    }
                )


def markdown(report: dict) -> str:
    kinds = list(report["data"])
    head = (
        "| idea | "
        + " | ".join(
            f"{k} deviance | {k} vs reference | {k} vs base | {k} PEI 10 %" for k in kinds
        )
        + " | verdict |\n|---|"
        + "---|---|---|---|" * len(kinds)
        + "---|\n"
    )
    names = list(report["data"][kinds[0]]["ideas"])
    lines = []
    for name in names:
        cells, verdicts = [], []
        for k in kinds:
            r = report["data"][k]["ideas"].get(name)
            if r is None:
                cells += ["—", "—", "—", "—"]
                continue
            m = r["metrics"]
            cells += [
                f"{m['poisson_deviance']:.4f}",
                f"{r['gain_vs_reference']:+.2%}",
                f"{r['gain_vs_base']:+.2%}",
                f"{m['pei_10']:.3f}",
            ]
            verdicts.append(r["verdict"])
        verdict = verdicts[0] if len(set(verdicts)) == 1 else "/".join(verdicts)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {verdict} |")
    return head + "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
