"""Shift-level ideas on Houston 2010 (beats and the 2 km lattice), by rolling origin.

Three ideas from the forecasting issue that the earlier benchmarks had not tried:

* **Recent counts** — LightGBM with the counts of the last 1, 3 and 7 shifts (8, 24, 56 h)
  of the grid and of its neighbours (touching lattice cells; the 6 nearest beats) as extra
  history features (``features.history.Around``).
* **Shift totals** — a direct model of 8-hour shift totals for hotspot ranking (PEI): a
  LightGBM Poisson model whose rows are (grid, shift, origin), with the hourly features
  averaged over the shift's 8 hours, trained on shift totals; scored on shift deviance and
  PEI against the hourly model's shift sums, alone and averaged half and half with them (a
  weight fixed beforehand: fitting the shift model on the selection folds too would double
  the benchmark's time). The model is the product's (``features.shift_model``); the
  product's yes/no (``training.forecast.shift_select``: the blend where it lowers shift
  deviance by 0.2 % with PEI no worse) is made here on the selection folds and judged on
  the reported ones (``product_choice``).
* **Ensemble** — LightGBM (trees), grid-rhythm, how-mean and level-shape averaged with
  non-negative weights that minimise deviance on the selection folds (the four weeks
  before the reported ones), scored on the reported folds.

Every choice (the ensemble's weights) is made on the selection folds and judged on the
reported ones (the last four weeks, as in ``run.py``); an idea is kept when it beats its base
by at least 0.2 % of deviance there (the shift model: of shift deviance, with PEI no worse). Each idea is logged to MLflow
(``forecast-ideas``, tagged kept/lost). Prophet is not in the ensemble: it has no
selection-fold predictions (one fit per grid and fold is hours here) and it lost to
level-shape on the beats.

    .venv/bin/python benchmarks/forecast/shift_ideas.py [--data beats,lattice]

Writes benchmarks/results/forecast_shift_ideas.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import sys
import time

import numpy as np

# headroom (beside this script) puts the repository on sys.path and sets the OpenMP policy
from headroom import (  # noqa: E402
    CACHE,
    HORIZON,
    RESULTS,
    model_mean,
    report_cutoffs,
    selection_cutoffs,
)
from ideas import load as load_houston  # noqa: E402
from ideas import neighbours  # noqa: E402

from features.baselines import GridRhythm, LevelShape, city_shape, hour_of_week  # noqa: E402
from features.forecaster import mean_floor  # noqa: E402
from features.history import Around, WindowMean  # noqa: E402
from features.shift_model import ShiftTotalModel  # noqa: E402
from features.timeseries import SPECS, ForecastFeatures, Panel  # noqa: E402
from training.forecast.backtest import FoldSpec, run_fold  # noqa: E402
from training.forecast.metrics import full_shifts, poisson_deviance, shift_scores  # noqa: E402
from training.forecast.shift_select import decide, three_ways  # noqa: E402

KEEP_GAIN = 0.002
RECENT = tuple(WindowMean(h) for h in (8, 24, 56))
RECENT_SPECS = (WindowMean(8), WindowMean(56), *(Around(s) for s in RECENT))
ENSEMBLE = ("lightgbm", "grid-rhythm", "how-mean", "level-shape")
STEP = 0.1

log = logging.getLogger("shift-ideas")


@contextlib.contextmanager
def recent_features(weights: np.ndarray):
    """LightGBM fitted inside the block gets the recent-count features (its own and its
    neighbours'); the features keep the neighbour weights for predict time."""
    import features.forecast_models as fm

    class Recent(ForecastFeatures):
        def fit(self, panel: Panel) -> Recent:
            super().fit(panel)
            self.specs_ = (*SPECS, *RECENT_SPECS)
            self.neighbours_ = weights
            return self

    plain = fm.ForecastFeatures
    fm.ForecastFeatures = Recent
    try:
        yield
    finally:
        fm.ForecastFeatures = plain


def recent_mean(kind: str, panel: Panel, cut: int, weights: np.ndarray, country: str):
    path = CACHE / f"{kind}{stamp(kind)}-lightgbm-recent-{cut}.npy"
    if path.exists():
        return np.load(path)
    with recent_features(weights):
        spec = FoldSpec(0, cut, HORIZON, "lightgbm", country, {"rhythm_weight": 0.0})
        mean = run_fold(panel, spec).prediction.mean
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, mean)
    return mean


# -- the direct shift-total model (the product's, features.shift_model) -----------------
def shift_model_totals(kind: str, panel: Panel, cut: int, country: str) -> np.ndarray:
    path = CACHE / f"{kind}{stamp(kind)}-shift-total-{cut}.npy"
    if path.exists():
        return np.load(path)
    shifts = full_shifts(panel.hours(cut, cut + HORIZON), HORIZON)
    history = panel.truncate(cut)
    starts = np.array([cut + pos[0] for pos in shifts])
    totals = ShiftTotalModel(country).fit(history).predict_totals(history, cut, starts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, totals)
    return totals


def shift_metrics(y: np.ndarray, totals: np.ndarray, shifts) -> dict[str, float]:
    from training.forecast.metrics import hotspot_scores

    act = np.stack([y[:, pos].sum(axis=1) for pos in shifts], axis=1)
    return {"shift_poisson_deviance": poisson_deviance(act, totals), **hotspot_scores(act, totals)}


def hourly_totals(mean: np.ndarray, shifts) -> np.ndarray:
    return np.stack([mean[:, pos].sum(axis=1) for pos in shifts], axis=1)


# -- the grid's rhythm by social day type -----------------------------------------------
def social_slot(panel: Panel, first: int, last: int) -> np.ndarray:
    """Hour of day × social day type (Mon-Thu, Fri, Sat, Sun; the day of ``t - 5 h``, so
    Friday 01:00 still belongs to Thursday night): 0-95."""
    local = panel.hours(first, last)
    dow = np.asarray((local - np.timedelta64(5, "h")).day_of_week)
    kind = np.select([dow <= 3, dow == 4, dow == 5], [0, 1, 2], 3)
    return kind * 24 + np.asarray(local.hour)


class SocialRhythm(GridRhythm):
    """grid-rhythm with four social day types instead of weekday/weekend."""

    def rhythm(self, history: Panel, origin: int) -> np.ndarray:
        counts = history.counts[:, :origin].astype(np.float64)
        shape = city_shape(history, origin)[hour_of_week(history, 0, origin)]
        expected = counts.mean(axis=1, keepdims=True) * shape[None, :]
        slot = social_slot(history, 0, origin)
        obs = np.stack([np.bincount(slot, row, minlength=96) for row in counts])
        exp = np.stack([np.bincount(slot, row, minlength=96) for row in expected])
        return (obs + self.prior) / (exp + self.prior)

    def predict_mean(self, history: Panel, origin: int, first: int, hours: int) -> np.ndarray:
        base = LevelShape.predict_mean(self, history, origin, first, hours)
        return base * self.rhythm(history, origin)[:, social_slot(history, first, first + hours)]


# -- the ensemble ------------------------------------------------------------------------
def simplex(n: int, step: float = STEP):
    """Every weight vector of ``n`` non-negative multiples of ``step`` summing to 1."""
    k = round(1 / step)
    for cut in itertools.combinations(range(k + n - 1), n - 1):
        parts = np.diff((-1, *cut, k + n - 1)) - 1
        yield parts / k


def best_weights(ys, parts) -> tuple[np.ndarray, float]:
    best, best_dev = None, np.inf
    for w in simplex(len(parts)):
        dev = np.mean(
            [
                poisson_deviance(y, sum(wi * p[i] for wi, p in zip(w, parts, strict=True)))
                for i, y in enumerate(ys)
            ]
        )
        if dev < best_dev:
            best, best_dev = w, dev
    return best, float(best_dev)


# -- the benchmark -----------------------------------------------------------------------
def stamp(kind: str) -> str:
    from run import simulator_stamp

    return f"-{simulator_stamp()}" if kind == "sim" else ""


def load(kind: str):
    """(calls data, holiday country): Houston's beats or lattice, or the simulated city."""
    if kind != "sim":
        return load_houston(kind), "US"
    from run import simulate

    from training.forecast.data import load_forecast_data

    city = simulate()
    return load_forecast_data(city / "calls.csv", grids_geojson=city / "grids.geojson"), "CN"


def run_data(kind: str) -> dict:
    data, country = load(kind)
    panel = data.panel
    adj = neighbours(data).astype(np.float64)
    weights = adj / np.maximum(adj.sum(axis=1, keepdims=True), 1)
    rep, sel = report_cutoffs(panel), selection_cutoffs(panel)
    started = time.perf_counter()

    def ys(cuts):
        return [panel.counts[:, c : c + HORIZON].astype(np.float64) for c in cuts]

    def floored(m, c):
        return np.maximum(m, mean_floor(panel.truncate(c), c)[:, None])

    def means(model, cuts):
        return [model_mean(kind, panel, model, c, country) for c in cuts]

    base = {m: {"sel": means(m, sel), "rep": means(m, rep)} for m in ENSEMBLE}
    y_sel, y_rep = ys(sel), ys(rep)
    hours = [panel.hours(c, c + HORIZON) for c in rep]
    default = [
        0.6 * a + 0.4 * b
        for a, b in zip(base["lightgbm"]["rep"], base["grid-rhythm"]["rep"], strict=True)
    ]
    rows: dict[str, dict] = {}

    def score(name, ms, base_name=None, extra=None):
        row = {
            "poisson_deviance": float(
                np.mean([poisson_deviance(y, m) for y, m in zip(y_rep, ms, strict=True)])
            ),
            **{
                k: float(
                    np.mean(
                        [
                            shift_scores(y, m, 0.0, h)[k]
                            for y, m, h in zip(y_rep, ms, hours, strict=True)
                        ]
                    )
                )
                for k in ("shift_poisson_deviance", "pei_10", "pai_10")
            },
            **(extra or {}),
        }
        if base_name:
            row["base"] = base_name
            row["gain_vs_base"] = 1 - row["poisson_deviance"] / rows[base_name]["poisson_deviance"]
            row["verdict"] = "kept" if row["gain_vs_base"] >= KEEP_GAIN else "lost"
        rows[name] = row
        log.warning("%s %s: %s", kind, name, row)

    score("lightgbm, trees alone", base["lightgbm"]["rep"])
    score("lightgbm default (0.6 trees + 0.4 grid-rhythm)", default)
    for m in ENSEMBLE[1:]:
        score(m, base[m]["rep"])
    # recent-count features
    recent = [floored(recent_mean(kind, panel, c, weights, country), c) for c in rep]
    score(
        "lightgbm + recent shift counts (grid and neighbours), trees alone",
        recent,
        "lightgbm, trees alone",
    )
    blended = [0.6 * a + 0.4 * b for a, b in zip(recent, base["grid-rhythm"]["rep"], strict=True)]
    score(
        "lightgbm + recent shift counts, default blend",
        blended,
        "lightgbm default (0.6 trees + 0.4 grid-rhythm)",
    )

    # the grid's rhythm by social day type, its prior chosen on the selection folds
    def social(prior, cuts):
        return [
            floored(SocialRhythm(prior=prior).predict_mean(panel.truncate(c), c, c, HORIZON), c)
            for c in cuts
        ]

    priors = {
        p: np.mean([poisson_deviance(y, m) for y, m in zip(y_sel, social(p, sel), strict=True)])
        for p in (10, 20, 40)
    }
    prior = min(priors, key=priors.get)
    score(
        f"grid rhythm by social day type (Mon-Thu/Fri/Sat/Sun, prior {prior})",
        social(prior, rep),
        "grid-rhythm",
    )
    # ensemble weighted on the selection folds
    parts_sel = [base[m]["sel"] for m in ENSEMBLE]
    w, sel_dev = best_weights(y_sel, parts_sel)
    ens = [
        sum(wi * base[m]["rep"][i] for wi, m in zip(w, ENSEMBLE, strict=True))
        for i in range(len(rep))
    ]
    label = " + ".join(f"{wi:.1f} {m}" for wi, m in zip(w, ENSEMBLE, strict=True) if wi > 0)
    score(
        f"ensemble weighted on the selection folds ({label})",
        ens,
        "lightgbm default (0.6 trees + 0.4 grid-rhythm)",
        {
            "weights": dict(zip(ENSEMBLE, map(float, w), strict=True)),
            "selection_deviance": sel_dev,
        },
    )
    # the direct shift-total model: ranking and shift deviance (alone, and averaged half and
    # half with the hourly model: a weight fixed beforehand, not chosen on these folds)
    shift_rows_out = {}
    rep_shifts = [full_shifts(h, HORIZON) for h in hours]
    direct = [shift_model_totals(kind, panel, c, country) for c in rep]
    hourly = [hourly_totals(m, s) for m, s in zip(default, rep_shifts, strict=True)]
    for name, totals in (
        ("hourly lightgbm default, summed per shift", hourly),
        ("direct shift-total model", direct),
        (
            "0.5 direct + 0.5 hourly",
            [0.5 * d + 0.5 * h for d, h in zip(direct, hourly, strict=True)],
        ),
    ):
        per = [shift_metrics(y, t, s) for y, t, s in zip(y_rep, totals, rep_shifts, strict=True)]
        shift_rows_out[name] = {k: float(np.mean([p[k] for p in per])) for k in per[0]}
    hourly_row = shift_rows_out["hourly lightgbm default, summed per shift"]
    for name, row in shift_rows_out.items():
        if name.startswith("hourly"):
            continue
        row["pei_gain_vs_hourly"] = row["pei_10"] - hourly_row["pei_10"]
        row["shift_deviance_gain_vs_hourly"] = (
            1 - row["shift_poisson_deviance"] / hourly_row["shift_poisson_deviance"]
        )
        row["verdict"] = (
            "kept"
            if row["shift_deviance_gain_vs_hourly"] >= KEEP_GAIN and row["pei_gain_vs_hourly"] >= 0
            else "lost"
        )
    # the product's choice (training.forecast.shift_select): yes or no on the selection
    # folds (their default hourly forecast, the shift-total model fitted before each),
    # judged on the reported folds above
    sel_shifts = [full_shifts(panel.hours(c, c + HORIZON), HORIZON) for c in sel]
    sel_default = [
        0.6 * a + 0.4 * b
        for a, b in zip(base["lightgbm"]["sel"], base["grid-rhythm"]["sel"], strict=True)
    ]
    choice = decide(
        [
            three_ways(
                hourly_totals(y, s),
                hourly_totals(m, s),
                shift_model_totals(kind, panel, c, country),
            )
            for y, m, s, c in zip(y_sel, sel_default, sel_shifts, sel, strict=True)
        ]
    )
    chosen = (
        "0.5 direct + 0.5 hourly" if choice.weight else "hourly lightgbm default, summed per shift"
    )
    product = {
        "weight": choice.weight,
        "reason": choice.reason,
        "selection": choice.metrics,
        "reported": chosen,
        **{f"reported_{k}": v for k, v in shift_rows_out[chosen].items() if isinstance(v, float)},
        "reported_gain_vs_hourly": 1
        - shift_rows_out[chosen]["shift_poisson_deviance"] / hourly_row["shift_poisson_deviance"],
    }
    return {
        "product_choice": product,
        "grids": len(panel.grid_ids),
        "report_cutoffs": [str(panel.hours(c, c + 1)[0]) for c in rep],
        "selection_cutoffs": [str(panel.hours(c, c + 1)[0]) for c in sel],
        "rows": rows,
        "shift_model": shift_rows_out,
        "seconds": time.perf_counter() - started,
    }


def log_to_mlflow(report: dict) -> None:
    import mlflow

    from training import tracking

    tracking.configure()
    exp = tracking.experiment_id("forecast-ideas")
    for kind, section in report["data"].items():
        items = [*section["rows"].items(), *section["shift_model"].items()]
        for name, r in items:
            if "verdict" not in r:
                continue
            with mlflow.start_run(experiment_id=exp, run_name=f"{kind}: {name}"):
                mlflow.set_tags(
                    {
                        "data": kind,
                        "verdict": r["verdict"],
                        "folds": "reported",
                        "family": "shift-ideas",
                    }
                )
                mlflow.log_params({"data": kind, "idea": name[:250]})
                mlflow.log_metrics({k: v for k, v in r.items() if isinstance(v, float)})


def markdown(report: dict) -> str:
    lines = [
        "| data | forecast | deviance | vs base | shift deviance | PEI 10 % | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, section in report["data"].items():
        for name, r in section["rows"].items():
            gain = f"{r['gain_vs_base']:+.2%}" if "gain_vs_base" in r else ""
            lines.append(
                f"| {kind} | {name} | {r['poisson_deviance']:.4f} | {gain} | "
                f"{r['shift_poisson_deviance']:.4f} | {r['pei_10']:.3f} | {r.get('verdict', '')} |"
            )
        for name, r in section["shift_model"].items():
            gain = f"{r['shift_deviance_gain_vs_hourly']:+.2%}" if "verdict" in r else ""
            lines.append(
                f"| {kind} | {name} | | {gain} | {r['shift_poisson_deviance']:.4f} | "
                f"{r['pei_10']:.3f} | {r.get('verdict', '')} |"
            )
    for kind, section in report["data"].items():
        if "product_choice" in section:
            c = section["product_choice"]
            lines.append(
                f"\n{kind}: the product's choice on the selection folds: {c['reason']}; on the "
                f"reported folds {c['reported']}: shift deviance {c['reported_shift_poisson_deviance']:.4f} "
                f"({c['reported_gain_vs_hourly']:+.2%} vs the hourly sums), PEI 10 % "
                f"{c['reported_pei_10']:.3f}"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="beats,lattice")
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    for noisy in ("features.schema", "training.forecast"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    path = RESULTS / "forecast_shift_ideas.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    report.setdefault("data", {})
    kinds = args.data.split(",")
    for kind in kinds:
        report["data"][kind] = run_data(kind)
        report["load_average_1m"] = os.getloadavg()[0]
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if not args.no_mlflow:
        log_to_mlflow({"data": {k: report["data"][k] for k in kinds}})
    print(markdown(report))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
