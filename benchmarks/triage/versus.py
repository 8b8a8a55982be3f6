"""Benchmark: triage CPU per text on this code against an earlier commit, in the same minutes.

On a shared machine the load moves the figures of ``benchmarks/triage/speed.py`` by tens of
percent between runs, so a speed-up is measured here as a ratio: the earlier commit's
``features``/``training`` (exported with ``git archive``) and this checkout score the same
texts with the same pickled model, one after the other, ``--rounds`` times, in fresh
single-threaded processes. Per process: ``TriageModel.classify`` and ``score_chunk`` on
batches of 1,024 (CPU µs per text; ``classify`` the least of five passes, its first pass
too), and ``classify`` / ``suggest`` on one text per call (the least of five calls per
text, averaged). Writes
``benchmarks/results/triage_speed_versus.json``.

Run: ``.venv/bin/python benchmarks/triage/versus.py --model MODEL.pkl.gz --texts TEXTS.json
[--base 14dd7b1] [--rounds 2]`` (``TEXTS.json``: a JSON list of call texts).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "triage_speed_versus.json"

PROBE = r"""
import json, os, sys, time
os.environ["OMP_NUM_THREADS"] = "1"
from features.triage_model import load_model_file
from training.triage.predict import score_chunk
model = load_model_file(sys.argv[1])
texts = json.load(open(sys.argv[2], encoding="utf-8"))
model.answers(texts[:1024]); model.classify(texts[:1024])
for t in texts[:200]:
    model.classify([t]); model.suggest([t])
def batch(f):
    c = time.process_time()
    for i in range(0, len(texts), 1024):
        f(texts[i:i + 1024])
    return (time.process_time() - c) / len(texts) * 1e6
def one(f, items):
    total = 0.0
    for t in items:
        best = None
        for _ in range(5):
            c = time.process_time(); f([t]); c = time.process_time() - c
            best = c if best is None else min(best, c)
        total += best
    return total / len(items) * 1e6
passes = [batch(model.classify) for _ in range(5)]
print(json.dumps({"classify_us": min(passes), "classify_first_pass_us": passes[0],
                  "answers_us": batch(lambda t: score_chunk(model, t)),
                  "classify_one_text_us": one(model.classify, texts[:100]),
                  "suggest_one_text_us": one(model.suggest, texts[:50]),
                  "load_average": os.getloadavg()[0]}))
"""


def _probe(code: Path, model: Path, texts: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(model), str(texts)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1"},
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a triage_model.pkl.gz")
    parser.add_argument("--texts", type=Path, required=True, help="JSON list of call texts")
    parser.add_argument("--base", default="14dd7b1", help="the earlier commit (default 14dd7b1)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="jingqing-versus-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.base, "features", "training", "serving"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for _ in range(args.rounds):
            for name, code in (("base", Path(tmp)), ("this", ROOT)):
                runs.append({"code": name, **_probe(code, args.model, args.texts)})
                print(
                    name, json.dumps({k: round(v, 1) for k, v in runs[-1].items() if k != "code"})
                )
    keys = ("classify_us", "answers_us", "classify_one_text_us", "suggest_one_text_us")
    ratios = [
        {k: before[k] / after[k] for k in keys}
        for before, after in zip(runs[::2], runs[1::2], strict=True)
    ]
    record = {
        "benchmark": "triage_speed_versus",
        "base_commit": args.base,
        "this_commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),
        "texts": len(json.loads(args.texts.read_text(encoding="utf-8"))),
        "model_file": str(args.model),
        "runs": runs,
        "speedup_base_over_this_per_round": ratios,
        "note": "CPU µs per text (process time), one thread; batches of 1,024 for classify "
        "(least of five passes; classify_first_pass_us the first) and answers (score_chunk, "
        "one pass); one text per call for the *_one_text figures (least of "
        "five calls per text); base and this code alternate, so each round's ratio is "
        "measured in the same minutes",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2), encoding="utf-8")
    for i, r in enumerate(ratios):
        print(f"round {i + 1}: " + ", ".join(f"{k} {v:.2f}x" for k, v in r.items()))
    print(f"→ {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
