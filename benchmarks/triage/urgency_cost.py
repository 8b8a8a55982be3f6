"""Benchmark: CPU per text of the urgency layer's inputs (the signals and their clause reading).

Prepares the texts of both hand-written sets and ``--generated`` calls from the simulator's
text generator (three voices), then times, in batches of 1,024 as ``predict triage`` scores
them, ``signal_matrix`` (27 word families), ``scope_matrix`` (the danger families read in
their clause) and the layer's whole input (``layer_inputs(scoped=True)``): the best of
``--repeats`` runs of process CPU time. These run only with ``urgency_layer: true``. Writes
``benchmarks/results/triage_urgency_cost.json`` and prints a summary.

Run: ``.venv/bin/python benchmarks/triage/urgency_cost.py [--generated 10000]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_urgency_cost.json"
BATCH = 1_024


def _texts(generated: int, seed: int) -> list[str]:
    from training.evalset import load_evalset, load_records
    from training.simulator.texts import GRID_KINDS, TextGenerator

    texts = load_evalset()["text"].tolist() + load_records()["text"].tolist()
    gen, rng = TextGenerator(), np.random.default_rng(seed)
    cats = ("criminal", "public_order", "dispute", "assistance", "non_police")
    for _ in range(generated):
        call = gen.sample(
            str(rng.choice(cats)),
            rng,
            hour=int(rng.integers(24)),
            grid_kind=str(rng.choice(GRID_KINDS)),
        )
        texts.append(call.text)
    return texts


def _cpu_per_text(fn, prepared: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for i in range(0, len(prepared), BATCH):
            fn(prepared[i : i + BATCH])
        best = min(best, time.process_time() - start)
    return 1e6 * best / len(prepared)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from features.textprep import prepare_text
    from features.urgency_scope import scope_matrix
    from features.urgency_signals import layer_inputs, signal_matrix

    prepared = [prepare_text(t) for t in _texts(args.generated, seed=0)]

    def layer(batch: list[str]) -> np.ndarray:
        n = len(batch)
        return layer_inputs(np.full(n, 0.5), batch, np.zeros(n, dtype=bool), scoped=True)

    us = {
        name: _cpu_per_text(fn, prepared, args.repeats)
        for name, fn in (
            ("signals", signal_matrix),
            ("scope", scope_matrix),
            ("layer_inputs", layer),
        )
    }
    record = {
        "benchmark": "triage_urgency_cost",
        "texts": len(prepared),
        "batch": BATCH,
        "cpu_us_per_text": us,
        "load_average": os.getloadavg(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"urgency layer inputs on {len(prepared):,} texts (batches of {BATCH}) → {RESULTS}")
    for name, value in us.items():
        print(f"  {name:13s} {value:6.1f} µs CPU per text")
    print(f"  load average {record['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
