"""Time the call-text generator: 50,000 calls with the Simao category mix.

Run: ``.venv/bin/python benchmarks/simulator_texts.py``; writes
``benchmarks/results/simulator_texts.json``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from training.simulator.texts import GRID_KINDS, TextGenerator

SHARES = {
    "criminal": 0.065,
    "public_order": 0.091,
    "dispute": 0.255,
    "assistance": 0.444,
    "non_police": 0.146,
}
N = 50_000


def main() -> dict:
    t0 = time.perf_counter()
    gen = TextGenerator()
    init_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    cats = list(SHARES)
    p = np.array(list(SHARES.values()))
    drawn = rng.choice(len(cats), size=N, p=p / p.sum())
    hours = rng.integers(0, 24, size=N)
    grids = rng.integers(0, len(GRID_KINDS), size=N)
    t0 = time.perf_counter()
    calls = [
        gen.sample(cats[c], rng, hour=int(h), grid_kind=GRID_KINDS[g])
        for c, h, g in zip(drawn, hours, grids, strict=True)
    ]
    elapsed = time.perf_counter() - t0
    result = {
        "n_calls": N,
        "init_seconds": round(init_s, 3),
        "sample_seconds": round(elapsed, 3),
        "calls_per_second": round(N / elapsed),
        "distinct_share": round(len({c.text for c in calls}) / N, 4),
        "urgent_share": round(sum(c.urgent for c in calls) / N, 4),
        "pii_share": round(sum(bool(c.pii) for c in calls) / N, 4),
        "voices": dict(Counter(c.voice for c in calls)),
        "subtypes_per_category": {c: len(gen.subtypes(c)) for c in cats},
    }
    out = Path(__file__).parent / "results" / "simulator_texts.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{N} calls in {elapsed:.2f}s = {result['calls_per_second']}/s "
        f"(init {init_s:.2f}s); distinct {result['distinct_share']:.1%}, "
        f"urgent {result['urgent_share']:.1%}, pii {result['pii_share']:.1%}"
    )
    return result


if __name__ == "__main__":
    main()
