"""Is LightGBM's excess over the best forecast possible at the origin a model error or noise?

``oracle_gap.py`` rebuilds the simulated city's *origin oracle*: the best forecast anyone
could make at the origin with the world's true parameters (weather, rain and one-off
events at their expectation given the day before; the self-excitation carried forward).
LightGBM (the default, 0.6 trees + 0.4 grid-rhythm) is about 1 % of deviance above it.

Against a known mean ``o`` the expected deviance a forecast ``m`` loses is
``2 [o log(o/m) - (o - m)]`` per grid-hour: no count noise in it, only the forecast's own
error. This script takes that excess on the four **selection** folds (the weeks before the
reported ones) and asks which multiplicative correction of ``m`` would remove it — per
grid, per grid × hour of day, per hour of the week, per day — with the oracle's own
factors (so each is the most such a correction could ever remove). A correction is a
*model error* when the factors found on the selection folds still help on the reported
folds (it is the same every week: a model could learn it); it is *noise* when they do not
(each week's error is its own: the level a grid's few calls give, which more data or
pooling narrows but no fixed correction removes). The per-fold factors' correlation
between the two sets of folds says the same.

No public holiday falls in either set of folds (selection 2025-11-06 to 12-03, reported
12-04 to 12-31; the simulator's holidays are China's), so holidays are not part of it.

    .venv/bin/python benchmarks/forecast/oracle_excess.py

Uses the benchmark city and the fold predictions that ``headroom.py`` cached, after
checking that the rebuilt simulator reproduces that city's stored intensity. Writes
benchmarks/results/forecast_oracle_excess.json and prints a Markdown table.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from headroom import CACHE, HORIZON, report_cutoffs, selection_cutoffs, write_report  # noqa: E402
from oracle_gap import STAGES, rebuild, stage_means  # noqa: E402

CITY_STAMP = "37d09f6d78"  # the simulator code the cached city and fold predictions came from
GROUPS = ("grid", "grid x hour of day", "hour of week", "lead day")


def excess(o: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Expected deviance ``m`` loses to the mean ``o``, per cell (``(grids, hours)``)."""
    o = np.maximum(o, 1e-12)
    m = np.maximum(m, 1e-12)
    return 2 * (o * np.log(o / m) - (o - m))


def keys(group: str, n_grids: int, hours) -> np.ndarray:
    """``(grids, hours)`` integer cell labels of ``group``."""
    g = np.arange(n_grids)[:, None]
    hod = np.asarray(hours.hour)[None, :]
    how = (np.asarray(hours.day_of_week) * 24 + np.asarray(hours.hour))[None, :]
    day = (np.arange(len(hours)) // 24)[None, :]
    label = {
        "grid": g + 0 * hod,
        "grid x hour of day": g * 24 + hod,
        "hour of week": how + 0 * g,
        "lead day": day + 0 * g,
    }[group]
    return np.broadcast_to(label, (n_grids, len(hours)))


def factors(o: np.ndarray, m: np.ndarray, label: np.ndarray, size: int) -> np.ndarray:
    """The correction per label that minimises the excess: ``sum o / sum m`` (Poisson)."""
    num = np.bincount(label.ravel(), o.ravel(), minlength=size)
    den = np.bincount(label.ravel(), m.ravel(), minlength=size)
    return np.where(den > 0, num / np.maximum(den, 1e-12), 1.0)


def load_city():
    """(panel, origin-oracle function, rebuild check, true intensity) of the cached
    benchmark city."""
    import tempfile
    from pathlib import Path

    from training.forecast.data import load_forecast_data, load_intensity

    city = Path(tempfile.gettempdir()) / f"jingqing-bench-city-51x365-{CITY_STAMP}"
    if not (city / "intensity.parquet").exists():
        raise SystemExit(f"{city} is missing: run headroom.py --data sim on that simulator")
    data = load_forecast_data(city / "calls.csv", grids_geojson=city / "grids.geojson")
    panel = data.panel
    truth = load_intensity(city / "intensity.parquet", panel).counts
    first = load_intensity(city / "intensity.parquet", panel, "expected_incidents").counts
    w = rebuild()
    order = [w["city"].grid_ids.index(g) for g in panel.grid_ids]
    check = float(np.max(np.abs(w["first_calls"][:, order].T - first)))
    if check > 1e-6:
        raise SystemExit(f"the rebuilt simulator differs from the cached city by {check}")
    follow = (truth / np.maximum(first, 1e-12)).T[:, np.argsort(order)]

    def origin_oracle(cut: int) -> np.ndarray:
        return stage_means(w, cut, follow)[STAGES[4]][:, order].T

    return panel, origin_oracle, check, truth


def cached(model: str, cut: int) -> np.ndarray:
    path = CACHE / f"sim-{CITY_STAMP}-{model}-{cut}.npy"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run headroom.py --data sim on that simulator")
    return np.load(path)


def main() -> int:
    from training.forecast.metrics import poisson_deviance

    panel, origin_oracle, check, truth = load_city()
    n = len(panel.grid_ids)
    folds = {"selection": selection_cutoffs(panel), "reported": report_cutoffs(panel)}
    data = {}
    for name, cuts in folds.items():
        rows = []
        for c in cuts:
            m = 0.6 * cached("lightgbm", c) + 0.4 * cached("grid-rhythm", c)
            o = origin_oracle(c)
            y = panel.counts[:, c : c + HORIZON].astype(np.float64)
            rows.append({"cut": c, "m": m, "o": o, "y": y, "hours": panel.hours(c, c + HORIZON)})
        data[name] = rows
    report: dict = {"rebuilt_vs_cached_max_abs": check, "folds": {}}
    for name, rows in data.items():
        dev_m = np.mean([poisson_deviance(r["y"], r["m"]) for r in rows])
        dev_o = np.mean([poisson_deviance(r["y"], r["o"]) for r in rows])
        exp_excess = np.mean([excess(r["o"], r["m"]).mean() for r in rows])
        report["folds"][name] = {
            "cutoffs": [str(r["hours"][0]) for r in rows],
            "lightgbm_deviance": float(dev_m),
            "origin_oracle_deviance": float(dev_o),
            "measured_excess": float(dev_m / dev_o - 1),
            "expected_excess": float(exp_excess / dev_o),
        }
    sel, rep = data["selection"], data["reported"]
    base_sel = np.mean([excess(r["o"], r["m"]).mean() for r in sel])
    base_rep = np.mean([excess(r["o"], r["m"]).mean() for r in rep])
    dev_o_rep = report["folds"]["reported"]["origin_oracle_deviance"]
    table = {}
    for group in GROUPS:
        size = {"grid": n, "grid x hour of day": n * 24, "hour of week": 168, "lead day": 7}[group]
        per_sel, per_rep, left_sel, left_rep = [], [], [], []
        for r in sel:
            lab = keys(group, n, r["hours"])
            f = factors(r["o"], r["m"], lab, size)
            per_sel.append(f)
            left_sel.append(excess(r["o"], r["m"] * f[lab]).mean())
        for r in rep:
            lab = keys(group, n, r["hours"])
            f = factors(r["o"], r["m"], lab, size)
            per_rep.append(f)
            left_rep.append(excess(r["o"], r["m"] * f[lab]).mean())
        # the selection folds' mean factor applied to the reported folds: does it persist?
        carried = np.exp(np.mean(np.log(per_sel), axis=0))
        moved = np.mean(
            [excess(r["o"], r["m"] * carried[keys(group, n, r["hours"])]).mean() for r in rep]
        )
        a = np.log(np.mean(per_sel, axis=0))
        b = np.log(np.mean(per_rep, axis=0))
        table[group] = {
            "share_removable_selection": float(1 - np.mean(left_sel) / base_sel),
            "share_removable_reported": float(1 - np.mean(left_rep) / base_rep),
            "share_removed_on_reported_by_selection_factors": float(1 - moved / base_rep),
            "reported_excess_after_selection_factors": float(moved / dev_o_rep),
            "factor_correlation_selection_vs_reported": float(np.corrcoef(a, b)[0, 1]),
            "factor_spread_selection": float(np.std(np.log(per_sel))),
        }
    report["corrections"] = table
    report["fixes"] = fixes(panel, folds["selection"], folds["reported"], dev_o_rep)
    report["rhythm_noise_floor"] = {
        name: rhythm_floor(panel, truth, origin_oracle, cuts) for name, cuts in folds.items()
    }
    report["reported_expected_excess_share"] = float(base_rep / dev_o_rep)
    report["load_average_1m"] = os.getloadavg()[0]
    return write_report("forecast_oracle_excess.json", report, markdown(report))


def rhythm_floor(panel, truth, origin_oracle, cuts: list[int]) -> dict[str, float]:
    """The excess of the origin oracle with only its grid rhythm (weekday/weekend × hour)
    estimated from the year's counts as grid-rhythm does (shrunk by ``prior``) instead of
    known: ``o × rhythm(counts) / rhythm(truth)``. What estimating that rhythm costs on its
    own, whatever else a forecast gets right."""
    from features.baselines import GridRhythm, day_type_hour
    from features.timeseries import Panel
    from training.forecast.metrics import poisson_deviance

    true_panel = Panel(panel.grid_ids, panel.start, truth, panel.kinds)
    out = {}
    for prior in (0, 1, 3, 10, 20):
        ex, dev_o = [], []
        for c in cuts:
            known = GridRhythm(prior=1e-9).rhythm(true_panel.truncate(c), c)
            counted = GridRhythm(prior=prior + 1e-9).rhythm(panel.truncate(c), c)
            o = origin_oracle(c)
            m = o * (counted / known)[:, day_type_hour(panel, c, c + HORIZON)]
            ex.append(excess(o, m).mean())
            dev_o.append(poisson_deviance(panel.counts[:, c : c + HORIZON], o))
        out[f"prior {prior}"] = float(np.mean(ex) / np.mean(dev_o))
    return out


def recent_rhythm(weeks: int):
    """grid-rhythm whose rhythm is counted over the last ``weeks`` weeks only."""
    from features.baselines import GridRhythm
    from features.timeseries import HOUR, Panel

    class Recent(GridRhythm):
        def rhythm(self, history, origin):
            lo = max(0, origin - weeks * 168)
            counts = history.counts[:, lo:origin]
            sub = Panel(history.grid_ids, history.start + lo * HOUR, counts, history.kinds)
            return super().rhythm(sub, origin - lo)

    return Recent


def fixes(panel, sel: list[int], rep: list[int], dev_o_rep: float) -> dict:
    """What the data could learn of the grid × hour-of-day error, chosen on the selection
    folds and scored on the reported ones: grid-rhythm's prior (less shrinkage toward the
    city's rhythm) in the default blend, and a residual factor per grid × hour of day
    from the selection folds' own counts (what a product could compute from its folds)."""
    from features.baselines import GridRhythm
    from features.forecaster import mean_floor
    from training.forecast.metrics import poisson_deviance

    n = len(panel.grid_ids)

    def blend(c, prior, rhythm=GridRhythm):
        history = panel.truncate(c)
        gr = rhythm(prior=prior).predict_mean(history, c, c, HORIZON)
        gr = np.maximum(gr, mean_floor(history, c)[:, None])
        return 0.6 * cached("lightgbm", c) + 0.4 * gr

    def dev(cuts, means):
        ys = [panel.counts[:, c : c + HORIZON] for c in cuts]
        return float(np.mean([poisson_deviance(y, m) for y, m in zip(ys, means, strict=True)]))

    priors = (1, 3, 5, 10, 20)
    by_prior = {p: dev(sel, [blend(c, p) for c in sel]) for p in priors}
    prior = min(by_prior, key=by_prior.get)
    base = dev(rep, [blend(c, 20) for c in rep])
    chosen = dev(rep, [blend(c, prior) for c in rep])
    out = {
        "grid-rhythm prior": {
            "selection_deviance_by_prior": by_prior,
            "chosen": prior,
            "reported_deviance_default": base,
            "reported_deviance": chosen,
            "gain_vs_default": 1 - chosen / base,
            "reported_excess_over_origin_oracle": chosen / dev_o_rep - 1,
        }
    }
    from shift_ideas import SocialRhythm

    for weeks in (8, 26):
        d = dev(rep, [blend(c, prior, recent_rhythm(weeks)) for c in rep])
        out[f"grid rhythm from the last {weeks} weeks only (prior {prior})"] = {
            "reported_deviance": d,
            "gain_vs_default": 1 - d / base,
        }
    d = dev(rep, [blend(c, prior, SocialRhythm) for c in rep])
    out[f"grid rhythm by social day type (Mon-Thu/Fri/Sat/Sun, prior {prior})"] = {
        "reported_deviance": d,
        "gain_vs_default": 1 - d / base,
    }
    hod = [keys("grid x hour of day", n, panel.hours(c, c + HORIZON)) for c in sel + rep]
    num = sum(
        np.bincount(h.ravel(), panel.counts[:, c : c + HORIZON].ravel(), minlength=n * 24)
        for h, c in zip(hod[: len(sel)], sel, strict=True)
    )
    den = sum(
        np.bincount(h.ravel(), blend(c, 20).ravel(), minlength=n * 24)
        for h, c in zip(hod[: len(sel)], sel, strict=True)
    )
    for prior_calls in (5, 20, 50):
        f = (num + prior_calls) / (den + prior_calls)
        d = dev(rep, [blend(c, 20) * f[h] for c, h in zip(rep, hod[len(sel) :], strict=True)])
        out[f"residual factor per grid x hour of day (prior {prior_calls} calls)"] = {
            "reported_deviance": d,
            "gain_vs_default": 1 - d / base,
        }
    return out


def markdown(report: dict) -> str:
    lines = []
    for name, f in report["folds"].items():
        lines.append(
            f"{name} folds: LightGBM {f['lightgbm_deviance']:.4f} vs origin oracle "
            f"{f['origin_oracle_deviance']:.4f}: {f['measured_excess']:+.2%} measured, "
            f"{f['expected_excess']:+.2%} expected from the means alone"
        )
    lines += [
        "",
        "| correction of LightGBM by | removable, selection | removable, reported | "
        "removed on reported by the selection factors | factor correlation sel. vs rep. |",
        "|---|---|---|---|---|",
    ]
    for group, r in report["corrections"].items():
        lines.append(
            f"| {group} | {r['share_removable_selection']:.0%} | "
            f"{r['share_removable_reported']:.0%} | "
            f"{r['share_removed_on_reported_by_selection_factors']:+.0%} | "
            f"{r['factor_correlation_selection_vs_reported']:.2f} |"
        )
    lines.append("")
    for name, r in report["fixes"].items():
        extra = f" (prior {r['chosen']} chosen on the selection folds)" if "chosen" in r else ""
        lines.append(
            f"{name}{extra}: {r['gain_vs_default']:+.2%} vs the default on the reported folds"
        )
    for name, floor in report["rhythm_noise_floor"].items():
        shown = ", ".join(f"{k} {v:+.2%}" for k, v in floor.items())
        lines.append(f"origin oracle with the grid rhythm estimated from counts ({name}): {shown}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
