"""How much better than the simple references can any forecast be, and what still wins?

For the simulated city (whose true intensity is known) and Houston 2010 (beats and the 2 km
lattice), on the four reported folds of ``run.py`` (the last four weeks):

* **Headroom.** For an out-of-sample forecast ``m`` of a Poisson count ``y`` with unknown
  true mean ``mu``: ``E[(y - m)^2 - y] = (mu - m)^2``, so ``((y - m)^2 - y) / m`` is an
  unbiased estimate of ``(mu - m)^2 / m``, the second-order expansion of the expected
  deviance ``m`` loses to the true mean (``2 [mu log(mu/m) - (mu - m)]``). Its mean over
  the grid-hours estimates ``deviance(m) - deviance(truth)``: the most *any* model could
  still gain over ``m``, on data whose true mean nobody knows. It assumes only that, given
  the true mean, counts are independent of the forecast (fitted on earlier hours) with
  ``Var(y | mu) = c mu``: ``c = 1`` for Poisson counts; offences or calls that come in
  clusters (one incident, several records) have ``c > 1`` and the term becomes
  ``((y - m)^2 - c y) / m`` (``clustering``). The truth here knows everything up to each
  hour, so the headroom is also over what no forecast made a week ahead can know. The
  simulated city checks the estimate against its known truth. 90 % intervals resample
  grids.
* **Blends and levels.** LightGBM averaged with grid-rhythm (weight chosen on the four
  *earlier* selection folds, then scored on the reported ones) and grid-rhythm with its
  8-week level shrunk toward the grid's all-history level; kept when they beat their base
  by at least 0.2 % of deviance on the reported folds. Logged to MLflow
  (``forecast-ideas``) with kept/lost.
* **Reachable PEI.** The PEI (10 %, 8 h) the true mean itself would reach: on the simulated
  city the oracle's; on Houston, the truth drawn as the best forecast × gamma heterogeneity
  of the variance the headroom estimate implies, with Poisson counts around it.

    .venv/bin/python benchmarks/forecast/headroom.py [--data sim,beats,lattice]

Writes benchmarks/results/forecast_headroom.json and prints a summary. Predictions are
cached in ``$TMPDIR/jingqing-headroom`` (delete it after changing a model).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from features.baselines import LEVEL_WEEKS, GridRhythm  # noqa: E402
from features.forecaster import mean_floor  # noqa: E402
from features.timeseries import WEEK, Panel  # noqa: E402
from training.forecast.backtest import FoldSpec, fold_cutoffs, run_fold  # noqa: E402
from training.forecast.metrics import poisson_deviance, shift_scores  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CACHE = Path(tempfile.gettempdir()) / "jingqing-headroom"
FOLDS, HORIZON = 4, 168
KEEP_GAIN = 0.002
WEIGHTS = np.round(np.linspace(0.0, 1.0, 11), 2)
SHRINK_HOURS = (336, 1344, 5376)  # pseudo-hours of all-history level in the 8-week level
MODELS = ("lightgbm", "grid-rhythm", "level-shape", "how-mean")  # lightgbm: trees alone
DEFAULT_BLEND = "lightgbm default: 0.6 trees + 0.4 grid-rhythm"

log = logging.getLogger("headroom")


def write_report(name: str, report: dict, text: str) -> int:
    """Write ``report`` as ``benchmarks/results/NAME`` and print ``text`` (its table)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(text)
    print(f"wrote {path}")
    return 0


def report_cutoffs(panel: Panel) -> list[int]:
    return fold_cutoffs(panel.n_hours, FOLDS, HORIZON)


def selection_cutoffs(panel: Panel) -> list[int]:
    return fold_cutoffs(panel.n_hours, FOLDS, HORIZON, panel.n_hours - 2 * FOLDS * HORIZON)


def load(kind: str):
    """(panel, true intensity or None, holiday country)."""
    if kind == "sim":
        from run import simulate

        from training.forecast.data import load_forecast_data, load_intensity

        city = simulate()
        data = load_forecast_data(city / "calls.csv", grids_geojson=city / "grids.geojson")
        return data.panel, load_intensity(city / "intensity.parquet", data.panel), "CN"
    from ideas import load as load_houston

    return load_houston(kind).panel, None, "US"


def model_mean(kind: str, panel: Panel, model: str, cut: int, country: str) -> np.ndarray:
    """The floored forecast mean of ``model`` fitted before ``cut`` (cached on disk)."""
    from run import simulator_stamp

    stamp = f"-{simulator_stamp()}" if kind == "sim" else ""  # the city of this simulator
    path = CACHE / f"{kind}{stamp}-{model}-{cut}.npy"
    if path.exists():
        return np.load(path)
    params = {"rhythm_weight": 0.0} if model == "lightgbm" else {}  # the trees alone
    res = run_fold(panel, FoldSpec(0, cut, HORIZON, model, country, params))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, res.prediction.mean)
    return res.prediction.mean


def shrunk_level(panel: Panel, cut: int, prior_hours: float) -> np.ndarray:
    """Grid rhythm with its 8-week level shrunk toward the grid's all-history level."""
    hist = panel.truncate(cut)
    counts = hist.counts[:, :cut].astype(np.float64)
    lo = max(0, cut - LEVEL_WEEKS * WEEK)
    recent_sum, recent_hours = counts[:, lo:].sum(axis=1), cut - lo
    level_all = counts.mean(axis=1)
    level = (recent_sum + prior_hours * level_all) / (recent_hours + prior_hours)
    base = GridRhythm().predict_mean(hist, cut, cut, HORIZON)
    ratio = level / np.maximum(recent_sum / recent_hours, 1e-9)
    return np.maximum(base * ratio[:, None], mean_floor(hist, cut)[:, None])


def headroom_terms(y: np.ndarray, m: np.ndarray, c: float = 1.0) -> np.ndarray:
    """Per grid-hour unbiased estimate of ``(mu - m)^2 / m`` when ``Var(y | mu) = c mu``
    (``c`` 1 for Poisson counts; see the module docstring)."""
    return ((y - m) ** 2 - c * y) / m


def clustering(kind: str, ys, truths) -> float:
    """``c = Var(y | mu) / mu``. On the simulated city 1 (its counts are drawn Poisson around
    the stored truth; the measured ratio is reported beside it); on Houston ``E[K^2] / E[K]``
    of K offences per address and hour (one incident, several offences: a compound Poisson
    count). Clustering it misses only makes ``c`` larger and the headroom smaller, so the
    Houston figures are generous."""
    if truths is not None:
        return 1.0
    import pandas as pd
    from ideas import HOUSTON

    frame = pd.read_csv(HOUSTON / "offenses.csv.gz", usecols=["time_local", "address"])
    k = frame.groupby(["time_local", "address"]).size().to_numpy(np.float64)
    return float((k**2).sum() / k.sum())


def headroom(ys, ms, c: float = 1.0, draws: int = 400, seed: int = 0):
    """Mean headroom over folds, and a 90 % interval from resampling grids."""
    pairs = zip(ys, ms, strict=True)
    terms = np.concatenate([headroom_terms(y, m, c) for y, m in pairs], axis=1)
    per_grid = terms.mean(axis=1)
    rng = np.random.default_rng(seed)
    boot = [per_grid[rng.integers(0, len(per_grid), len(per_grid))].mean() for _ in range(draws)]
    lo, hi = np.percentile(boot, [5, 95])
    return float(per_grid.mean()), float(lo), float(hi)


def scores(ys, ms, hours) -> dict[str, float]:
    rows = [
        {"poisson_deviance": poisson_deviance(y, m), **shift_scores(y, m, 0.0, h)}
        for y, m, h in zip(ys, ms, hours, strict=True)
    ]
    keys = ("poisson_deviance", "shift_poisson_deviance", "pei_10", "pai_10")
    return {k: float(np.mean([r[k] for r in rows])) for k in keys}


def truth_pei(ys, ms, hours, c: float = 1.0, draws: int = 20, seed: int = 0) -> float:
    """PEI (10 %) of a truth = ``m`` × gamma noise whose variance matches the headroom's
    estimate of ``mean (mu - m)^2``, with Poisson counts drawn around that truth."""
    rng = np.random.default_rng(seed)
    out = []
    for y, m, h in zip(ys, ms, hours, strict=True):
        spread = max(float(np.mean((y - m) ** 2 - c * y)), 0.0) / float(np.mean(m**2))
        for _ in range(draws):
            g = rng.gamma(1 / spread, spread, size=m.shape) if spread > 0 else 1.0
            mu = m * g
            out.append(shift_scores(rng.poisson(mu).astype(float), mu, 0.0, h)["pei_10"])
    return float(np.mean(out))


def weight_curve(y_sel, lgb_sel, gr_sel) -> list[float]:
    """Selection-fold deviance of ``w lightgbm + (1 - w) grid-rhythm`` for each weight."""
    return [
        float(
            np.mean(
                [
                    poisson_deviance(y, w * a + (1 - w) * b)
                    for y, a, b in zip(y_sel, lgb_sel, gr_sel, strict=True)
                ]
            )
        )
        for w in WEIGHTS
    ]


def run_data(kind: str) -> dict:
    panel, truth, country = load(kind)
    rep, sel = report_cutoffs(panel), selection_cutoffs(panel)
    ys = [panel.counts[:, c : c + HORIZON].astype(np.float64) for c in rep]
    hours = [panel.hours(c, c + HORIZON) for c in rep]
    started = time.perf_counter()
    means = {m: [model_mean(kind, panel, m, c, country) for c in rep] for m in MODELS}
    y_sel = [panel.counts[:, c : c + HORIZON].astype(np.float64) for c in sel]
    lgb_sel = [model_mean(kind, panel, "lightgbm", c, country) for c in sel]
    gr_sel = [model_mean(kind, panel, "grid-rhythm", c, country) for c in sel]
    curve = weight_curve(y_sel, lgb_sel, gr_sel)
    w = float(WEIGHTS[int(np.argmin(curve))])
    pairs = list(zip(means["lightgbm"], means["grid-rhythm"], strict=True))
    means[f"blend {w:g} lightgbm + {1 - w:g} grid-rhythm (weight of these folds)"] = [
        w * a + (1 - w) * b for a, b in pairs
    ]
    means[DEFAULT_BLEND] = [0.6 * a + 0.4 * b for a, b in pairs]
    sel_dev = {
        k: np.mean(
            [
                poisson_deviance(y, shrunk_level(panel, c, k))
                for y, c in zip(y_sel, sel, strict=True)
            ]
        )
        for k in SHRINK_HOURS
    }
    k_best = min(sel_dev, key=sel_dev.get)
    means[f"grid-rhythm, level shrunk to all history ({k_best} h)"] = [
        shrunk_level(panel, c, k_best) for c in rep
    ]
    if truth is not None:
        means["oracle"] = [np.asarray(truth.counts[:, c : c + HORIZON], float) for c in rep]
    c = clustering(kind, ys, means.get("oracle"))
    rows = {}
    for name, ms in means.items():
        row = scores(ys, ms, hours)
        row["headroom_if_poisson"] = headroom(ys, ms)[0]
        row["headroom"], row["headroom_lo"], row["headroom_hi"] = headroom(ys, ms, c)
        row["headroom_share"] = row["headroom"] / row["poisson_deviance"]
        if truth is not None:
            row["true_excess_over_oracle"] = (
                row["poisson_deviance"] - scores(ys, means["oracle"], hours)["poisson_deviance"]
            )
        rows[name] = row
        print(
            f"{kind:8s} {name:52s} dev {row['poisson_deviance']:.4f} pei10 {row['pei_10']:.3f} "
            f"headroom {row['headroom']:+.4f} [{row['headroom_lo']:+.4f}, {row['headroom_hi']:+.4f}]"
            + (f" true {row['true_excess_over_oracle']:+.4f}" if truth is not None else ""),
            flush=True,
        )
    best = min((n for n in rows if n != "oracle"), key=lambda n: rows[n]["poisson_deviance"])
    reachable = (
        rows["oracle"]["pei_10"] if truth is not None else truth_pei(ys, means[best], hours, c)
    )
    refs = ("level-shape", "how-mean")
    best_ref = min(refs, key=lambda n: rows[n]["poisson_deviance"])
    return {
        "grids": len(panel.grid_ids),
        "clustering_c": c,
        "measured_var_over_mean_around_truth": (
            sum(float(((y - t) ** 2).sum()) for y, t in zip(ys, means["oracle"], strict=True))
            / sum(float(t.sum()) for t in means["oracle"])
            if truth is not None
            else None
        ),
        "report_cutoffs": [str(panel.hours(c, c + 1)[0]) for c in rep],
        "selection_cutoffs": [str(panel.hours(c, c + 1)[0]) for c in sel],
        "blend_weight_lightgbm": w,
        "blend_selection_deviance_by_weight": dict(zip(map(str, WEIGHTS), curve, strict=True)),
        "shrink_selection_deviance": {str(k): float(v) for k, v in sel_dev.items()},
        "rows": rows,
        "best_model": best,
        "best_reference": best_ref,
        "best_gain_vs_best_reference": 1
        - rows[best]["poisson_deviance"] / rows[best_ref]["poisson_deviance"],
        "reachable_pei_10": reachable,
        "seconds": time.perf_counter() - started,
    }


def verdicts(section: dict) -> dict[str, str]:
    rows = section["rows"]
    out = {}
    for name in rows:
        blend = name.startswith("blend") or name == DEFAULT_BLEND
        base = "lightgbm" if blend else "grid-rhythm" if "shrunk" in name else None
        if base:
            gain = 1 - rows[name]["poisson_deviance"] / rows[base]["poisson_deviance"]
            out[name] = "kept" if gain >= KEEP_GAIN else "lost"
            rows[name]["gain_vs_base"] = gain
            rows[name]["base"] = base
    return out


def log_to_mlflow(report: dict) -> None:
    import mlflow

    from training import tracking

    tracking.configure()
    exp = tracking.experiment_id("forecast-ideas")
    for kind, section in report["data"].items():
        for name, verdict in section["verdicts"].items():
            r = section["rows"][name]
            with mlflow.start_run(experiment_id=exp, run_name=f"{kind}: {name}"):
                mlflow.set_tags(
                    {
                        "data": kind,
                        "family": name.split(",")[0].split(" ")[0],
                        "verdict": verdict,
                        "folds": "reported",
                    }
                )
                mlflow.log_params({"data": kind, "idea": name, "base": r["base"]})
                mlflow.log_metrics({k: v for k, v in r.items() if isinstance(v, float)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="sim,beats,lattice")
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("features.schema", "training.forecast"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    path = RESULTS / "forecast_headroom.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    report.setdefault("data", {})
    for kind in args.data.split(","):
        section = run_data(kind)
        section["verdicts"] = verdicts(section)
        report["data"][kind] = section
    report["load_average_1m"] = os.getloadavg()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if not args.no_mlflow:
        log_to_mlflow({"data": {k: report["data"][k] for k in args.data.split(",")}})
    print(markdown(report))
    print(f"wrote {path}")
    return 0


def markdown(report: dict) -> str:
    head = "| data | model | deviance | headroom (90 % interval) | headroom share | true excess "
    lines = [head + "| PEI 10 % |", "|---|---|---|---|---|---|---|"]
    for kind, section in report["data"].items():
        for name, r in section["rows"].items():
            true = (
                f"{r['true_excess_over_oracle']:+.4f}"
                if "true_excess_over_oracle" in r
                else "unknown"
            )
            lines.append(
                f"| {kind} | {name} | {r['poisson_deviance']:.4f} | {r['headroom']:+.4f} "
                f"({r['headroom_lo']:+.4f} … {r['headroom_hi']:+.4f}) | {r['headroom_share']:.1%} "
                f"| {true} | {r['pei_10']:.3f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
