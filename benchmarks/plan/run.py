"""Benchmark: patrol plans checked by a SimPy replay of the simulated city's held-out weeks.

1. Simulate the default city (51 grids × 365 days) with its own dispatch (response times).
2. Hold out the last ``--weeks`` weeks. Fit the LightGBM forecaster on the calls before
   them and calibrate the travel model on their response times (nothing from the held-out
   weeks is used for either).
3. Every held-out day: forecast 24 h from midnight (history up to that midnight), plan
   3 shifts with ``--units`` units per shift; build the two reference plans a planner
   would otherwise use with the same patrol units and the same standby posts — equal units
   per grid, and units proportional to the last 30 days' calls.
4. Replay the held-out calls under each plan (``training.plan.replay``, SimPy, the
   simulator's ground-truth physics; ``--replications`` seeds, averaged per call) and compare the simulated share within the target
   with the model's prediction, overall and per grid (grids with ≥ 20 calls), with each
   grid's standard error (its calls are a sample: 20 calls at a share of 0.6 give ±11 points),
   and the allocator's gap to each reference plan on the same calls with its paired
   standard error.
5. Time a plan for 51 grids × 3 shifts and for 2,000 grids × 3 shifts (``--no-timings``
   skips it).

Writes ``benchmarks/results/plan.json`` and ``plan.png``; prints a summary. Model work
uses ``--dev``: the ``--weeks`` weeks before the reported ones are held out instead (and
everything after them unused), written to ``plan-dev.json`` / ``plan-dev.png``, so that
the reported weeks are never what the model was tuned on; ``--city DIR`` reuses a city
simulated before.
Run: ``.venv/bin/python benchmarks/plan/run.py`` (about 3-5 minutes on 2 shared cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"

from speed import cases, time_plan  # noqa: E402

from features.deploy.allocate import equal_plan, proportional_plan  # noqa: E402
from features.deploy.calibrate import calibrate  # noqa: E402
from features.deploy.geometry import GridGeometry  # noqa: E402
from features.deploy.plan import SHIFT_HOURS, make_plan  # noqa: E402
from features.deploy.roster import Roster  # noqa: E402
from features.deploy.travel import TravelModel  # noqa: E402
from training.plan.replay import Deployment, replay  # noqa: E402
from training.simulator.dispatch import World  # noqa: E402

PLANS = ("allocator", "equal", "proportional")


def simulate(out: Path, grids: int, days: int):
    from training.simulator import run_simulate

    return run_simulate(out, grids=grids, days=days, seed=0, progress=False)


def load(out: Path):
    from training.forecast.data import load_forecast_data

    data = load_forecast_data(out / "calls.csv", grids_geojson=out / "grids.geojson")
    raw = pd.read_csv(out / "calls.csv")
    for col in ("received_at", "dispatched_at", "arrived_at", "cleared_at"):
        raw[col] = pd.to_datetime(raw[col], utc=True).dt.tz_convert("Asia/Shanghai")
    return data, raw


def run(args) -> dict:
    from features.forecaster import Forecaster

    began = time.perf_counter()
    if args.city:  # a city simulated before (same --grids/--days, seed 0)
        tmp = Path(args.city)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="jingqing-plan-"))
        sim = simulate(tmp, args.grids, args.days)
        print(f"[plan] simulated {sim.n_calls:,} calls in {sim.seconds:.1f} s", flush=True)
    data, raw = load(tmp)
    panel = data.panel
    geometry = GridGeometry.from_geojson_text((tmp / "grids.geojson").read_text("utf-8"))
    # --dev: the weeks before the reported ones (for model work; the reported weeks unseen)
    last = args.days - (7 * args.weeks if args.dev else 0)
    test_start = panel.start.normalize() + pd.Timedelta(days=last - 7 * args.weeks)
    origin0 = panel.index_of(test_start)
    history = raw[raw["received_at"] < test_start]
    t = time.perf_counter()
    forecaster = Forecaster("lightgbm").fit(panel.truncate(origin0))
    fit_s = time.perf_counter() - t
    ids = list(panel.grid_ids)
    geo = geometry.subset(ids)
    travel = TravelModel(geo)
    params = calibrate(history, travel)
    travel.params = params
    print(f"[plan] forecaster fitted in {fit_s:.1f} s; travel: {params.source}", flush=True)

    deployments = {p: [] for p in PLANS}
    predicted = {p: [] for p in PLANS}  # rows: day, shift, grid, calls, share
    plan_seconds = []
    for day in range(7 * args.weeks):
        origin = origin0 + 24 * day
        pred = forecaster.predict_from(panel, origin, origin, 24).frame()
        day_start = panel.start + pd.Timedelta(hours=origin)
        recent = raw[
            (raw["received_at"] >= day_start - pd.Timedelta(days=30))
            & (raw["received_at"] < day_start)
            & (raw["source"] == "citizen")
        ]
        last_month = recent["grid_id"].value_counts().reindex(ids, fill_value=0).to_numpy(float)
        t = time.perf_counter()
        plan = make_plan(
            pred,
            geo,
            Roster.uniform(args.units, 3),
            start=day_start,
            shifts=3,
            target=args.target,
            params=params,
            alpha=forecaster.alpha_,
            travel=travel,
        )
        plan_seconds.append(time.perf_counter() - t)
        for sp in plan.shifts:
            calls = sp.model.lamr.mean(axis=2).sum(axis=1)
            options = {
                "allocator": sp.units,
                "equal": equal_plan(sp.patrol, sp.minimum, calls),
                "proportional": proportional_plan(sp.patrol, sp.minimum, last_month),
            }
            start_min = (sp.start - test_start) / pd.Timedelta(minutes=1)
            for name, units in options.items():
                res = sp.result if name == "allocator" else sp.evaluate(units)
                deployments[name].append(
                    Deployment(
                        start_min,
                        start_min + 60 * SHIFT_HOURS,
                        np.asarray(units),
                        sp.posts,
                        sp.post_units,
                    )
                )
                predicted[name].append(
                    pd.DataFrame(
                        {
                            "shift": sp.shift,
                            "day": day,
                            "grid_id": ids,
                            "calls": calls,
                            "share": res.share,
                            "units": np.asarray(units),
                            "p_all_busy": res.p_all_busy,
                        }
                    )
                )
    test = raw[(raw["received_at"] >= test_start)].copy()
    test = test[test["received_at"] < test_start + pd.Timedelta(days=7 * args.weeks)]
    test["dispatch"] = (test["source"] == "citizen") & (test["disposition"] != "divert")
    out = {}
    per_grid = {}
    per_call = {}  # each dispatched call's share within the target over the replays
    for name in PLANS:
        t = time.perf_counter()
        mask = test["dispatch"].to_numpy()
        reps = [
            replay(test, geo, deployments[name], World(), origin=test_start, seed=seed)
            for seed in range(1, args.replications + 1)
        ]
        rts = np.stack([r.response[mask] for r in reps])  # (replications, calls)
        rt = rts.ravel()
        done = np.isfinite(rts).all(axis=0)
        g = test.loc[test["dispatch"], "grid_id"].to_numpy()
        within = (rts <= args.target).mean(axis=0)  # per call, over replications
        per_call[name] = within
        away = np.mean([r.overflow[mask] for r in reps], axis=0)  # answered from outside
        inc = test.loc[test["dispatch"], "incident_id"].to_numpy()
        frame = pd.DataFrame(
            {"grid_id": g, "within": within, "ok": done, "away": away, "incident": inc}
        )
        sim_grid = frame.groupby("grid_id")
        # a grid's simulated share is a mean over its calls: its standard error (call
        # places and the replays' draws) says which gaps a perfect model would show too;
        # the calls of one incident rise and fall together (its follow-ups find the same
        # units busy), so the error is also clustered by incident
        sim_se = sim_grid["within"].std(ddof=1) / np.sqrt(sim_grid.size())
        cluster_se = clustered_se(frame)
        pr = pd.concat(predicted[name])
        pr_grid = (
            pr.assign(w=pr["calls"] * pr["share"], b=pr["calls"] * pr["p_all_busy"])
            .groupby("grid_id")[["w", "b", "calls", "units"]]
            .sum()
        )
        table = pd.DataFrame(
            {
                "calls": sim_grid.size(),
                "simulated": sim_grid["within"].mean(),
                "predicted": pr_grid["w"] / pr_grid["calls"],
                "se": sim_se,
                "cluster_se": cluster_se,
                # diagnostics: mean patrol units, P(all local units busy) against the share
                # of calls the replay answered from outside the grid
                "units": pr_grid["units"] / (7 * args.weeks * 3),
                "p_all_busy": pr_grid["b"] / pr_grid["calls"],
                "sim_away": sim_grid["away"].mean(),
            }
        ).dropna()
        per_grid[name] = table
        big = table[table["calls"] >= 20]
        gap = (big["predicted"] - big["simulated"]).abs()
        out[name] = {
            "simulated_share": round(float(within.mean()), 4),
            "predicted_share": round(
                float((pr["calls"] * pr["share"]).sum() / pr["calls"].sum()), 4
            ),
            "calls": int(mask.sum()),
            "not_reached": int((~done).sum()),
            "mean_response_min": round(float(np.nanmean(rt)), 3),
            "p90_response_min": round(float(np.nanpercentile(rt, 90)), 3),
            "overflow_share": round(float(np.mean([r.overflow[mask].mean() for r in reps])), 4),
            "grids_with_20_calls": int(len(big)),
            "max_grid_gap_points": round(100 * float(gap.max()), 2),
            "mean_grid_gap_points": round(100 * float(gap.mean()), 2),
            "grids_within_8_points": int((gap <= 0.08).sum()),
            "grids_beyond_8_points_and_2_se": int(((gap > 0.08) & (gap > 2 * big["se"])).sum()),
            "grids_beyond_8_points_and_2_clustered_se": int(
                ((gap > 0.08) & (gap > 2 * big["cluster_se"])).sum()
            ),
            "median_grid_se_points": round(100 * float(big["se"].median()), 2),
            "mean_signed_grid_gap_points": round(
                100 * float((big["predicted"] - big["simulated"]).mean()), 2
            ),
            "replay_seconds": round(time.perf_counter() - t, 2),
        }
        out[name]["overall_gap_points"] = round(
            100 * abs(out[name]["predicted_share"] - out[name]["simulated_share"]), 2
        )
        print(f"[plan] {name}: {out[name]}", flush=True)
    scale = timings(args) if args.timings else {}
    record = {
        "benchmark": "plan",
        "grids": args.grids,
        "days": args.days,
        "held_out_weeks": args.weeks,
        "units_per_shift": args.units,
        "replications": args.replications,
        "target_minutes": args.target,
        "standby_share": round(1 / 3, 4),
        "travel_params": params.to_dict(),
        "forecast_alpha": round(float(forecaster.alpha_), 4),
        "plans": out,
        # the same calls under two plans: the difference and its standard error over the
        # calls (paired; each call's share averaged over the replays)
        **{
            f"allocator_minus_{ref}": paired_gap(per_call["allocator"], per_call[ref])
            for ref in ("equal", "proportional")
        },
        **{
            f"per_grid_{name}": [
                {
                    "grid_id": g,
                    "calls": int(r.calls),
                    "predicted": round(float(r.predicted), 4),
                    "simulated": round(float(r.simulated), 4),
                    "se": round(float(r.se), 4),
                    "se_clustered_by_incident": round(float(r.cluster_se), 4),
                    "units": round(float(r.units), 2),
                    "p_all_busy": round(float(r.p_all_busy), 4),
                    "simulated_away": round(float(r.sim_away), 4),
                }
                for g, r in per_grid[name].iterrows()
            ]
            for name in PLANS
        },
        "plan_seconds_51x3_in_loop_median": round(float(np.median(plan_seconds)), 3),
        **scale,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.perf_counter() - began, 1),
        "python": platform.python_version(),
    }
    plot(per_grid, out, args, RESULTS / ("plan-dev.png" if args.dev else "plan.png"))
    return record


def clustered_se(frame: pd.DataFrame) -> pd.Series:
    """Each grid's standard error of its mean ``within`` with its calls clustered by
    ``incident`` (the sandwich estimator: squared sums of each incident's deviations from
    the grid's mean; with one call per incident it is the plain standard error)."""
    dev = frame["within"] - frame.groupby("grid_id")["within"].transform("mean")
    per_incident = dev.groupby([frame["grid_id"], frame["incident"]]).sum()
    n = frame.groupby("grid_id").size()
    k = per_incident.groupby(level=0).size()  # incidents per grid
    ss = (per_incident**2).groupby(level=0).sum() * k / np.maximum(k - 1, 1)
    return np.sqrt(ss) / n


def paired_gap(a: np.ndarray, b: np.ndarray) -> dict:
    """Simulated share of plan ``a`` minus plan ``b`` on the same calls, in points, with its
    paired standard error; ``beats`` when the gap is more than two standard errors."""
    d = 100 * (np.asarray(a, float) - np.asarray(b, float))
    se = float(d.std(ddof=1) / np.sqrt(len(d)))
    return {
        "points": round(float(d.mean()), 3),
        "se": round(se, 3),
        "beats": bool(d.mean() > 2 * se),
    }


def timings(args) -> dict:
    """Wall and CPU time of ``make_plan`` (travel sampling included), 51 and 2,000 grids
    (``speed.py`` times the same cases with repeats and writes ``plan_speed.json``)."""
    out = {}
    for n, case in cases(args.scale_grids).items():
        got = time_plan(*case)
        out[f"plan_seconds_{n}x3"] = got["wall_seconds"]
        out[f"plan_cpu_seconds_{n}x3"] = got["cpu_seconds"]
        out[f"plan_share_{n}x3"] = got["share_within_target"]
        print(f"[plan] {n} grids x 3 shifts, {case[-1]} units: {got}", flush=True)
    return out


def plot(per_grid: dict, out: dict, args, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.8))
    t = per_grid["allocator"]
    big = t["calls"] >= 20
    a.errorbar(
        t.loc[big, "predicted"],
        t.loc[big, "simulated"],
        yerr=2 * t.loc[big, "cluster_se"],
        fmt="none",
        ecolor="lightgrey",
        lw=0.8,
    )
    a.scatter(t.loc[big, "predicted"], t.loc[big, "simulated"], s=12 + t.loc[big, "calls"] / 20)
    lo = float(min(t["predicted"].min(), t["simulated"].min(), 0.5))
    a.plot([lo, 1], [lo, 1], color="grey", lw=0.8)
    for d in (0.08, -0.08):
        a.plot([lo, 1], [lo + d, 1 + d], color="grey", lw=0.5, ls="--")
    a.set_xlabel(f"predicted share within {args.target:g} min")
    a.set_ylabel("simulated (SimPy replay, ±2 s.e. clustered by incident)")
    a.set_title(f"allocator plan, per grid (≥20 calls), {args.weeks} held-out weeks")
    x = np.arange(len(PLANS))
    a_sim = [out[p]["simulated_share"] for p in PLANS]
    a_pred = [out[p]["predicted_share"] for p in PLANS]
    b.bar(x - 0.2, a_pred, 0.4, label="predicted")
    b.bar(x + 0.2, a_sim, 0.4, label="simulated")
    b.set_xticks(x, PLANS)
    b.set_ylim(min(a_sim + a_pred) - 0.05, min(1.0, max(a_sim + a_pred) + 0.03))
    b.set_title(f"share within {args.target:g} min, {args.units} units per shift")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grids", type=int, default=51)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--weeks", type=int, default=4)
    p.add_argument("--units", type=int, default=120)
    p.add_argument("--target", type=float, default=5.0)
    p.add_argument("--scale-grids", type=int, default=2000)
    p.add_argument("--replications", type=int, default=8, help="replay seeds averaged")
    p.add_argument(
        "--city", help="directory of a city simulated before (calls.csv, grids.geojson)"
    )
    p.add_argument(
        "--dev",
        action="store_true",
        help="hold out the --weeks before the reported weeks instead (model work; "
        "writes plan-dev.json / plan-dev.png)",
    )
    p.add_argument(
        "--no-timings", dest="timings", action="store_false", help="skip the speed runs"
    )
    args = p.parse_args()
    record = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "plan-dev" if args.dev else "plan"
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    a = record["plans"]
    speed = (
        f"51x3 {record['plan_seconds_51x3']} s, {args.scale_grids}x3 "
        f"{record[f'plan_seconds_{args.scale_grids}x3']} s; "
        if args.timings
        else ""
    )
    print(
        f"plan: allocator {a['allocator']['simulated_share']:.1%} simulated vs "
        f"{a['allocator']['predicted_share']:.1%} predicted (gap {a['allocator']['overall_gap_points']} "
        f"points; worst grid {a['allocator']['max_grid_gap_points']} points); equal "
        f"{a['equal']['simulated_share']:.1%}, proportional {a['proportional']['simulated_share']:.1%}; "
        f"{speed}wrote benchmarks/results/{name}.json, {name}.png"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
