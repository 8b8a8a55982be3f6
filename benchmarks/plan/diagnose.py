"""Where the response model and the SimPy replay part: per grid, split by how a call is met.

For the allocator's plans of the dev weeks (``run.py --dev``: the ``--weeks`` weeks before
the reported ones, the reported weeks never read) this compares, per grid and city-wide:

* the share of calls that find every unit of their grid busy (model: Erlang B as calls
  see it, follow-ups included; replay: no free unit of the grid at dispatch);
* the share within the target of the calls a free local unit meets, and of the blocked
  calls;
* at the moments of blocking: the share of the grid's neighbours with a free unit and
  whether the nearest standby post had one (model: the availabilities it multiplies);
* who answered the blocked calls (a neighbour's unit, a post, or after a wait), and the
  blocked calls split into first calls and follow-ups of an incident (``incident_id``).

``--truth`` plans on the simulator's true intensity instead of the forecast (the model's
error without the forecast's); ``--world`` gives the model the world's own travel
parameters (its structure without the calibration's error); ``--samples`` sets the travel
model's distance samples per grid. Writes ``benchmarks/results/plan-diagnosis.json`` and prints
the worst grids. Run: ``python benchmarks/plan/diagnose.py --city DIR --weeks 8``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"

from run import clustered_se, load  # noqa: E402

from features.deploy.calibrate import calibrate  # noqa: E402
from features.deploy.geometry import GridGeometry  # noqa: E402
from features.deploy.plan import SHIFT_HOURS, make_plan  # noqa: E402
from features.deploy.roster import Roster  # noqa: E402
from features.deploy.travel import TravelModel  # noqa: E402
from training.plan.replay import Deployment, replay  # noqa: E402
from training.simulator.dispatch import World  # noqa: E402


def forecasts(args, panel, origin0, city: Path) -> tuple[list[pd.DataFrame], float]:
    """The daily 24-hour forecasts of the dev weeks (cached beside the city: the fit is
    the slow part and does not change with the response model)."""
    from features.forecaster import Forecaster

    cache = city / f"dev-forecasts-{args.weeks}w-{origin0}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    fc = Forecaster("lightgbm").fit(panel.truncate(origin0))
    preds = [
        fc.predict_from(panel, origin0 + 24 * d, origin0 + 24 * d, 24).frame()
        for d in range(7 * args.weeks)
    ]
    cache.write_bytes(pickle.dumps((preds, float(fc.alpha_))))
    return preds, float(fc.alpha_)


def truth_frames(city: Path, test_start, days: int) -> list[pd.DataFrame]:
    inten = pd.read_parquet(city / "intensity.parquet")
    inten = inten.rename(columns={"expected": "mean"})
    out = []
    for d in range(days):
        lo = test_start + pd.Timedelta(days=d)
        day = inten[(inten["hour"] >= lo) & (inten["hour"] < lo + pd.Timedelta(days=1))]
        out.append(day.assign(p10=day["mean"], p90=day["mean"])[["grid_id", "hour", "mean"]])
    return out


def model_split(sp, target: float) -> pd.DataFrame:
    """The model's split of one shift's calls per grid (calls-weighted over hours and rate
    draws): P(blocked), within | local, within | blocked, backups' availability."""
    m = sp.model
    c = np.asarray(sp.units)
    times = np.array([target])
    chain, _ = m.backup_chain(c, np.asarray(sp.post_units), times)
    blocked, reach = m.local_within(c[:, None], times)
    blocked, reach = blocked[:, 0], reach[:, 0, ..., 0]
    tgt, avail, _, _ = m.backups_
    w = m.lamr
    ws = np.maximum(w.sum(axis=(1, 2)), 1e-12)
    wb = np.maximum((w * blocked).sum(axis=(1, 2)), 1e-12)
    nb = tgt >= 0
    nb_av = (avail * nb[:, :, None, None]).sum(axis=1) / np.maximum(nb.sum(axis=1), 1)[
        :, None, None
    ]
    first_post = np.argmax(~nb, axis=1)
    has_post = (~nb).any(axis=1)
    post_av = np.take_along_axis(avail, first_post[:, None, None, None], axis=1)[:, 0]
    post_av = np.where(has_post[:, None, None], post_av, np.nan)
    return pd.DataFrame(
        {
            "grid": np.arange(len(c)),
            "calls": ws,
            "blocked_calls": (w * blocked).sum(axis=(1, 2)),
            "local_within_calls": (w * reach).sum(axis=(1, 2)),
            "blocked_within_calls": (w * blocked * chain[..., 0]).sum(axis=(1, 2)),
            "nb_avail": (w * blocked * nb_av).sum(axis=(1, 2)) / wb,
            "post_avail": (w * blocked * post_av).sum(axis=(1, 2)) / wb,
            "units": c,
        }
    )


def run(args) -> dict:
    city = Path(args.city)
    data, raw = load(city)
    panel = data.panel
    geometry = GridGeometry.from_geojson_text((city / "grids.geojson").read_text("utf-8"))
    last = args.days - 7 * args.weeks  # the dev weeks end where the reported ones start
    test_start = panel.start.normalize() + pd.Timedelta(days=last - 7 * args.weeks)
    origin0 = panel.index_of(test_start)
    history = raw[raw["received_at"] < test_start]
    ids = list(panel.grid_ids)
    geo = geometry.subset(ids)
    travel = TravelModel(geo, samples=args.samples) if args.samples else TravelModel(geo)
    params = calibrate(history, travel)
    if args.world:  # the world's own physics: the model's structure alone
        params.road_factor, params.speed_kmh["car"], params.sigma = 1.4, 32.0, 0.3
        car = World()._speed["car"]  # metres per minute by hour
        params.hour_factor = tuple(float(v / car[12]) for v in car)
        params.handling_min = 0.8 * float(np.exp(0.35**2 / 2)) + 0.2
    travel.params = params
    preds, alpha = forecasts(args, panel, origin0, city)
    if args.truth:
        preds, alpha = truth_frames(city, test_start, 7 * args.weeks), 0.005
    deps, parts = [], []
    t = time.perf_counter()
    for day, pred in enumerate(preds):
        day_start = test_start + pd.Timedelta(days=day)
        plan = make_plan(
            pred, geo, Roster.uniform(args.units, 3), start=day_start, shifts=3,
            target=args.target, params=params, alpha=alpha, travel=travel,
        )  # fmt: skip
        for sp in plan.shifts:
            start_min = (sp.start - test_start) / pd.Timedelta(minutes=1)
            deps.append(
                Deployment(
                    start_min, start_min + 60 * SHIFT_HOURS, sp.units, sp.posts, sp.post_units
                )
            )
            parts.append(model_split(sp, args.target).assign(day=day, shift=sp.shift))
    plan_s = time.perf_counter() - t
    test = raw[(raw["received_at"] >= test_start)]
    test = test[test["received_at"] < test_start + pd.Timedelta(days=7 * args.weeks)].copy()
    test["dispatch"] = (test["source"] == "citizen") & (test["disposition"] != "divert")
    mask = test["dispatch"].to_numpy()
    reps = [
        replay(test, geo, deps, World(), origin=test_start, seed=s)
        for s in range(1, args.replications + 1)
    ]
    g = np.tile(geo.index_of(test.loc[mask, "grid_id"].astype(str).to_numpy()), len(reps))
    cat = lambda f: np.concatenate([f(r)[mask] for r in reps])  # noqa: E731
    within = cat(lambda r: r.response) <= args.target
    blocked = cat(lambda r: r.blocked)
    sim = pd.DataFrame(
        {
            "grid": g,
            "within": within,
            "blocked": blocked,
            "local_within": within & ~blocked,
            "blocked_within": within & blocked,
            "nb_free": np.where(blocked, cat(lambda r: r.nb_free) / 4.0, np.nan),
            "post_free": np.where(blocked, cat(lambda r: r.post_free), np.nan),
            "to_post": np.where(blocked, cat(lambda r: r.via) == 2, np.nan),
            "waited": np.where(blocked, cat(lambda r: r.waited), np.nan),
        }
    )
    s = sim.groupby("grid").agg(
        n=("within", "size"),
        within=("within", "mean"),
        blocked=("blocked", "mean"),
        lw=("local_within", "sum"),
        bw=("blocked_within", "sum"),
        nb_free=("nb_free", "mean"),
        post_free=("post_free", "mean"),
        to_post=("to_post", "mean"),
        waited=("waited", "mean"),
        nblocked=("blocked", "sum"),
    )
    s["lw"] = s["lw"] / (s["n"] - s["nblocked"])
    s["bw"] = s["bw"] / s["nblocked"].clip(lower=1)
    pm = pd.concat(parts)
    p = pm.groupby("grid").sum(numeric_only=True)
    pb = (
        pm.assign(
            nbw=pm["nb_avail"] * pm["blocked_calls"], pw=pm["post_avail"] * pm["blocked_calls"]
        )
        .groupby("grid")[["nbw", "pw", "blocked_calls"]]
        .sum()
    )
    table = pd.DataFrame(
        {
            "grid_id": np.asarray(ids)[s.index],
            "calls": s["n"] / len(reps),
            "units": p["units"] / len(parts) * len(ids) / len(ids),
            "pred": (p["local_within_calls"] + p["blocked_within_calls"]) / p["calls"],
            "sim": s["within"],
            "pred_blocked": p["blocked_calls"] / p["calls"],
            "sim_blocked": s["blocked"],
            "pred_local": p["local_within_calls"] / (p["calls"] - p["blocked_calls"]),
            "sim_local": s["lw"],
            "pred_bw": p["blocked_within_calls"] / p["blocked_calls"],
            "sim_bw": s["bw"],
            "pred_nb_free": pb["nbw"] / pb["blocked_calls"],
            "sim_nb_free": s["nb_free"],
            "pred_post_free": pb["pw"] / pb["blocked_calls"],
            "sim_post_free": s["post_free"],
            "sim_to_post": s["to_post"],
            "sim_waited": s["waited"],
        }
    )
    table["units"] = pm.groupby("grid")["units"].mean()
    table["gap"] = table["pred"] - table["sim"]
    # a grid's simulated share is a mean over its calls: its standard error (replays averaged)
    per_call = within.reshape(len(reps), -1).mean(axis=0)
    se = (
        pd.Series(per_call).groupby(g[: mask.sum()]).agg(lambda x: x.std(ddof=1) / np.sqrt(len(x)))
    )
    table["se"] = se
    inc = test.loc[mask, "incident_id"].to_numpy()
    table["cluster_se"] = clustered_se(
        pd.DataFrame({"grid_id": g[: mask.sum()], "within": per_call, "incident": inc})
    )
    wtot = p["calls"].sum()
    city_row = {
        "pred": float((p["local_within_calls"] + p["blocked_within_calls"]).sum() / wtot),
        "sim": float(within.mean()),
        "pred_blocked": float(p["blocked_calls"].sum() / wtot),
        "sim_blocked": float(blocked.mean()),
        "pred_local": float(p["local_within_calls"].sum() / (wtot - p["blocked_calls"].sum())),
        "sim_local": float((within & ~blocked).sum() / (~blocked).sum()),
        "pred_bw": float(p["blocked_within_calls"].sum() / p["blocked_calls"].sum()),
        "sim_bw": float((within & blocked).sum() / blocked.sum()),
        "pred_nb_free": float(pb["nbw"].sum() / pb["blocked_calls"].sum()),
        "sim_nb_free": float(np.nanmean(sim["nb_free"])),
        "pred_post_free": float(pb["pw"].sum() / pb["blocked_calls"].sum()),
        "sim_post_free": float(np.nanmean(sim["post_free"])),
        "sim_to_post": float(np.nanmean(sim["to_post"])),
        "sim_waited": float(np.nanmean(sim["waited"])),
    }
    # blocked calls that follow an earlier call of their incident against first calls
    follow = np.tile(
        (test.loc[mask, "incident_id"] != test.loc[mask, "call_id"]).to_numpy(), len(reps)
    )
    for name, sel in (("follow", follow), ("first", ~follow)):
        b = blocked & sel
        city_row[f"sim_{name}_share_of_blocked"] = float(b.sum() / blocked.sum())
        city_row[f"sim_{name}_blocked_rate"] = float(b.sum() / sel.sum())
        city_row[f"sim_{name}_bw"] = float((within & b).sum() / b.sum())
        city_row[f"sim_{name}_nb_free"] = float(np.nanmean(sim["nb_free"].to_numpy()[b]))
        city_row[f"sim_{name}_post_free"] = float(np.nanmean(sim["post_free"].to_numpy()[b]))
    big = table[table["calls"] >= 20]
    return {
        "benchmark": "plan-diagnosis",
        "weeks": args.weeks,
        "truth": bool(args.truth),
        "replications": args.replications,
        "calls": int(mask.sum()),
        "city": {k: round(v, 4) for k, v in city_row.items()},
        "grids_within_8_points": int((big["gap"].abs() <= 0.08).sum()),
        "grids": int(len(big)),
        "max_gap_points": round(100 * float(big["gap"].abs().max()), 2),
        "plan_seconds": round(plan_s, 1),
        "per_grid": table.round(4).to_dict(orient="records"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--city", required=True, help="a city simulated before (51 grids, 365 days)")
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--weeks", type=int, default=8)
    p.add_argument("--units", type=int, default=120)
    p.add_argument("--target", type=float, default=5.0)
    p.add_argument("--replications", type=int, default=4)
    p.add_argument("--truth", action="store_true", help="plan on the true intensity")
    p.add_argument("--samples", type=int, default=0, help="distance samples per grid")
    p.add_argument("--world", action="store_true", help="the world's travel parameters")
    p.add_argument("--out", default=str(RESULTS / "plan-diagnosis.json"))
    args = p.parse_args()
    rec = run(args)
    Path(args.out).write_text(json.dumps(rec, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rec["city"]))
    print(
        f"grids within 8 points: {rec['grids_within_8_points']} of {rec['grids']}; worst {rec['max_gap_points']}"
    )
    t = pd.DataFrame(rec["per_grid"])
    t = t.reindex(t["gap"].abs().sort_values(ascending=False).index)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(t.set_index("grid_id").head(14).round(3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
