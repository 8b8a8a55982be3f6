"""Command: ``jingqing plan`` — units per grid and shift from the forecast champion."""

from __future__ import annotations

import argparse

from training.cliutil import add_city_argument, add_map_argument, parse_map


def register(verbs) -> None:
    p = verbs.top.add_parser(
        "plan",
        help="patrol units per grid and shift, share of calls reached within the target",
        description="Place patrol units per grid and shift from forecast@champion so the "
        "most calls are reached within the target; name standby posts.",
    )
    p.add_argument("--start", help="first hour of shift 1 (default: the forecast's first hour)")
    p.add_argument("--shifts", type=int, default=3, help="8-hour shifts to plan (default 3)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--units", type=int, help="units on duty in every shift")
    who.add_argument("--roster", help="CSV shift,units[,kind][,grid_id] (kind car|motorbike|foot)")
    p.add_argument("--target-minutes", type=float, default=5.0, help="target (default 5)")
    p.add_argument("--min-units", type=int, default=1, help="patrol units per grid (default 1)")
    p.add_argument(
        "--standby-share",
        type=float,
        default=1 / 3,
        help="share of units held at standby posts (default 1/3)",
    )
    p.add_argument("--calls", help="calls with dispatched_at/arrived_at to calibrate travel")
    add_map_argument(p)
    p.add_argument("--grids-geojson", help="grid polygons (default: the forecast model's own)")
    p.add_argument("--output", required=True, help="plan CSV (a map picture is written beside)")
    p.add_argument("--no-track", action="store_true", help="do not log the plan to MLflow")
    add_city_argument(p)
    p.set_defaults(func=plan_handler)


def plan_handler(args: argparse.Namespace) -> int:
    from training.plan.run import PlanConfig, run_plan

    cfg = PlanConfig(
        output=args.output,
        start=args.start,
        shifts=args.shifts,
        units=args.units,
        roster=args.roster,
        target_minutes=args.target_minutes,
        min_units=args.min_units,
        standby_share=args.standby_share,
        calls=args.calls,
        mapping=parse_map(args.map),
        grids_geojson=args.grids_geojson,
        track=not args.no_track,
        city=args.city,
    )
    run = run_plan(cfg)
    s = run.result.summary
    posts = ", ".join(s["standby_posts"][0][:8])
    print(
        f"plan for {s['shifts']} shifts × {s['grids']} grids from {run.result.shifts[0].start}: "
        f"{s['share_within_target']:.1%} of {s['expected_calls']:.0f} expected calls within "
        f"{s['target_minutes']:g} min; units per shift {s['units_per_shift']}; "
        f"standby posts (shift 1) {posts}"
    )
    print(f"travel: {run.result.params.source}; forecast version {run.forecast_version}")
    print(f"wrote {', '.join(str(p) for p in run.paths)} in {run.seconds:.1f} s")
    if run.run_id:
        print(f"MLflow run {run.run_id}")
    return 0
