"""``jingqing link --calls FILE --output FILE``: name the incident every call reports.

Reads and validates a calls table (``received_at`` and ``text`` required; ``grid_id``,
``lat``/``lon`` and ``category`` used when present), links each call to the earlier call
of the same incident (``features.linking``) and writes the table back with three more
columns: ``incident_id`` (the ``call_id`` of the incident's first call), ``linked_to`` (the
earlier call it was joined to, empty if none) and ``link_score``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from features.errors import UserError
from training.cliutil import add_map_argument, parse_map

OUTPUT_SUFFIXES = (".csv", ".parquet")


def register(verbs) -> None:
    p = verbs.top.add_parser(
        "link",
        help="add incident_id: link the calls that report the same incident",
        description="Link the calls that report one incident and write the calls with "
        "incident_id, linked_to and link_score columns (CSV or Parquet by suffix).",
    )
    p.add_argument("--calls", required=True, metavar="FILE", help="calls file (CSV or Parquet)")
    p.add_argument("--output", required=True, metavar="FILE", help="output .csv or .parquet")
    add_map_argument(p)
    p.add_argument("--tz", default="Asia/Shanghai", metavar="ZONE", help="zone of naive times")
    p.add_argument(
        "--grids",
        metavar="GEOJSON",
        help="grid polygons: assign lat/lon to grids and treat bordering grids as nearby",
    )
    p.add_argument("--params", metavar="JSON", help="linker parameters (default: shipped)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = run_link(
        args.calls,
        args.output,
        mapping=parse_map(args.map),
        timezone=args.tz,
        grids=args.grids,
        params=args.params,
    )
    print(result)
    return 0


def run_link(
    calls: str | Path,
    output: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    timezone: str = "Asia/Shanghai",
    grids: str | Path | None = None,
    params: str | Path | None = None,
) -> str:
    """Link a calls file and write it with ``incident_id``; returns the summary line."""
    out = Path(output)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UserError(f"--output {out}: use a .csv or .parquet file name")
    if out.resolve() == Path(calls).resolve():
        raise UserError("--output must not be the --calls file (it would be overwritten)")
    if not out.parent.is_dir():
        raise UserError(f"--output {out}: directory {out.parent} does not exist")
    began = time.perf_counter()
    from features.grids import GridSet
    from features.linking import Linker, LinkParams, link_calls, neighbour_map
    from features.schema import load_calls

    grid_set = GridSet.from_geojson(grids) if grids else None
    link_params = _params(params) if params else LinkParams.from_json()
    frame = load_calls(calls, mapping=mapping, require=("received_at", "text"), timezone=timezone)
    if grid_set is not None and {"lat", "lon"} <= set(frame.columns):
        found = grid_set.assign(frame["lat"].to_numpy(float), frame["lon"].to_numpy(float))
        old = frame["grid_id"] if "grid_id" in frame.columns else None
        frame["grid_id"] = [
            g if g is not None else (old.iat[k] if old is not None else "")
            for k, g in enumerate(found)
        ]
    print(f"[link] {len(frame):,} calls read in {time.perf_counter() - began:.1f} s", flush=True)
    if "incident_id" in frame.columns:
        print("warning: the file's incident_id column is replaced", file=sys.stderr)
        frame = frame.drop(columns="incident_id")
    neighbours = neighbour_map(grid_set) if grid_set is not None else None
    links = link_calls(frame, Linker(link_params, neighbours))
    table = frame.join(links)
    tmp = out.with_name(out.name + ".partial")
    if out.suffix.lower() == ".parquet":
        table.to_parquet(tmp, index=False)
    else:
        table.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(out)
    n_incidents = table["incident_id"].nunique()
    joined = int((table["linked_to"] != "").sum())
    return (
        f"linked {len(table):,} calls into {n_incidents:,} incidents ({joined:,} calls joined "
        f"an earlier one) in {time.perf_counter() - began:.1f} s; wrote {out}"
    )


def _params(path: str | Path):
    from features.linking import LinkParams

    try:
        return LinkParams.from_json(path)
    except FileNotFoundError:
        raise UserError(f"--params {path}: no such file") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise UserError(f"--params {path}: not linker parameters ({exc})") from None
