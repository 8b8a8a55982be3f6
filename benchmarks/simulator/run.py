"""Benchmark: the full default city (51 grids x 365 days), timed end to end.

Writes ``benchmarks/results/simulator.json`` (seconds, calls, calls/day, category shares,
transfer and divert shares, against the reference figures) and prints a summary.
Run: ``.venv/bin/python benchmarks/simulator/run.py``.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "simulator.json"
BUDGET_SECONDS = 60.0


def main() -> int:
    from training.simulator import run_simulate
    from training.simulator.sample import SIMAO_SHARES, SIMAO_TRANSFER_RATE

    with tempfile.TemporaryDirectory(prefix="jingqing-sim-") as tmp:
        result = run_simulate(tmp, grids=51, days=365, start="2025-01-01", seed=0, progress=True)
        sizes = {p.name: p.stat().st_size for p in Path(tmp).iterdir()}
    record = {
        "benchmark": "simulator",
        "grids": result.grids,
        "days": result.days,
        "seed": result.seed,
        "seconds": round(result.seconds, 2),
        "budget_seconds": BUDGET_SECONDS,
        "calls": result.n_calls,
        "citizen_calls": result.n_citizen,
        "patrol_calls": result.n_patrol,
        "calls_per_day": round(result.calls_per_day, 1),
        "citizen_calls_per_day": round(result.n_citizen / result.days, 1),
        "reference_calls_per_day": 330,
        "category_shares": {k: round(v, 4) for k, v in result.category_shares.items()},
        "reference_shares": {k: round(v, 4) for k, v in SIMAO_SHARES.items()},
        "transfer_rate": round(result.transfer_rate, 4),
        "reference_transfer_rate": round(SIMAO_TRANSFER_RATE, 4),
        "divert_share": round(result.divert_share, 4),
        "urgent_share": round(result.urgent_share, 4),
        "file_bytes": sizes,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    verdict = "within" if result.seconds < BUDGET_SECONDS else "OVER"
    print(
        f"simulator: {result.seconds:.1f} s for 51 grids x 365 days ({verdict} the "
        f"{BUDGET_SECONDS:.0f} s budget), {result.n_calls:,} calls, "
        f"{result.calls_per_day:.1f} calls/day; wrote {RESULTS.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
