"""Wall and CPU time of loading and validating the Houston 2010 offenses (86,314 rows).

``load_calls`` is the data boundary every command crosses (validate, train, backtest); a
real city's year must load in seconds. Measured here rather than in a timed unit test,
because timings on a shared machine are noisy: the load average is recorded beside them.

Run: ``.venv/bin/python benchmarks/features/houston_load.py``; writes
``benchmarks/results/houston_load.json``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from features.schema import load_calls

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data/houston-2010/offenses.csv.gz"
RESULT = ROOT / "benchmarks/results/houston_load.json"
REPEATS = 3


def main() -> None:
    load_before = os.getloadavg()[0]
    walls, cpus = [], []
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        df = load_calls(
            DATA,
            mapping={"received_at": "time_local", "grid_id": "beat"},
            timezone="America/Chicago",
            require="forecast",
        )
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    result = {
        "rows": len(df),
        "wall_s_best": round(min(walls), 3),
        "cpu_s_best": round(min(cpus), 3),
        "repeats": REPEATS,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "python": platform.python_version(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"Houston load+validate: {result['rows']:,} rows in {result['wall_s_best']} s wall, "
        f"{result['cpu_s_best']} s CPU (best of {REPEATS}; load {result['load_average']})"
    )


if __name__ == "__main__":
    main()
