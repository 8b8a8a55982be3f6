"""Benchmark: linking the calls that report one incident.

1. Fits the linker on one simulated city (seed 0, 90 days) and, with ``--write-params``,
   ships the result as ``features/linking_params.json``.
2. Reports pairwise precision / recall of the incidents ``link`` finds on another city
   (seed 1, 90 days, never fitted on): with coordinates and categories, without
   categories, and with grid ids only.
3. Compares text similarities on that city's candidate pairs: hashed character n-gram
   cosine (1–3, 2–2) against the Jaccard similarity of character bigram sets, which MinHash
   estimates (so exact Jaccard bounds what MinHash can do).
4. Scores the hand-written pairs (``training/evalset/linking_pairs.jsonl``, written
   without the simulator) when they exist.
5. Times ``jingqing link`` end to end on a year of the demo city (51 grids, seed 0).
6. Times what linking adds to one ``/classify`` call: the recent-calls store's lookup,
   scoring and insert, replayed in time order (p50 / p99).

Writes ``benchmarks/results/linking.json`` and prints a summary.
Run: ``.venv/bin/python benchmarks/linking/run.py [--write-params] [--work DIR]``.
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

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "linking.json"
PAIRS = ROOT / "training" / "evalset" / "linking_pairs.jsonl"
TARGETS = {
    "simulated": {"precision": 0.95, "recall": 0.90},
    "handwritten": {"precision": 0.90, "recall": 0.80},
    "link_year_seconds": 30.0,
    "classify_added_p99_ms": 2.0,
}


def _city(work: Path, seed: int, days: int) -> Path:
    from training.simulator import run_simulate

    out = work / f"city-s{seed}-d{days}"
    if not (out / "calls.csv").exists():
        run_simulate(out, grids=51, days=days, seed=seed, progress=False, force=True)
    return out


def _scores(frame, params, neighbours) -> dict:
    from features.linking import Linker, link_calls
    from training.link.fit import pairwise_scores

    got = link_calls(frame, Linker(params, neighbours))
    return {
        k: round(v, 4)
        for k, v in pairwise_scores(frame["incident_id"], got["incident_id"]).items()
    }


def _similarities(frame, params, neighbours) -> dict:
    """Text-only ranking of candidate pairs (ROC AUC) per similarity."""
    from sklearn.metrics import roc_auc_score

    from features.linking import Calls, candidate_pairs, clean_text, text_cosine
    from training.link.fit import _sorted

    df = _sorted(frame)
    calls = Calls.build(df["received_at"], df["text"], df["grid_id"], df["lat"], df["lon"])
    i, j = candidate_pairs(calls, params, neighbours)
    inc = df["incident_id"].to_numpy()
    y = inc[i] == inc[j]
    out = {"candidate_pairs": int(len(y)), "same_incident": int(y.sum())}
    for ngram in ((1, 3), (2, 2), (1, 2), (2, 3)):
        grams = Calls.build(df["received_at"], df["text"], ngram=ngram)
        out[f"char_{ngram[0]}_{ngram[1]}_cosine_auc"] = round(
            float(roc_auc_score(y, text_cosine(grams, i, grams, j))), 4
        )
    cleaned = [clean_text(t) for t in df["text"]]
    sets = [{s[k : k + 2] for k in range(len(s) - 1)} for s in cleaned]
    jac = np.array(
        [
            len(sets[a] & sets[b]) / max(1, len(sets[a] | sets[b]))
            for a, b in zip(i, j, strict=True)
        ]
    )
    out["char_bigram_jaccard_auc (MinHash estimates this)"] = round(
        float(roc_auc_score(y, jac)), 4
    )
    return out


def _handwritten(params) -> dict | None:
    if not PAIRS.exists():
        return None
    from features.linking import Calls, Linker

    linker = Linker(params)
    truth, linked, scores = [], [], []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pair = json.loads(line)
        a, b = pair["a"], pair["b"]
        if str(a["received_at"]) > str(b["received_at"]):
            a, b = b, a
        first, second = (
            Calls.build(
                [c["received_at"]], [c["text"]], [c.get("grid_id")], [c.get("lat")], [c.get("lon")]
            )
            for c in (a, b)
        )
        score = float(linker.score_against(second, first)[0])
        truth.append(bool(pair["same_incident"]))
        scores.append(score)
        linked.append(score >= params.threshold)
    from sklearn.metrics import roc_auc_score

    t, p = np.array(truth), np.array(linked)
    tp = int((t & p).sum())
    return {
        "pairs": len(t),
        "same_incident": int(t.sum()),
        "precision": round(tp / max(1, p.sum()), 4),
        "recall": round(tp / max(1, t.sum()), 4),
        "linked": int(p.sum()),
        "score_auc (threshold-free)": round(float(roc_auc_score(t, scores)), 4),
    }


def _link_year(work: Path) -> dict:
    from training.link.cli import run_link

    city = _city(work, 0, 365)
    began, cpu = time.perf_counter(), time.process_time()
    summary = run_link(city / "calls.csv", work / "linked.csv", grids=city / "grids.geojson")
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    import pandas as pd

    from training.link.fit import pairwise_scores

    got = pd.read_csv(work / "linked.csv", usecols=["call_id", "incident_id"], dtype=str)
    truth = pd.read_csv(city / "calls.csv", usecols=["call_id", "incident_id"], dtype=str)
    merged = truth.merge(got, on="call_id", suffixes=("_true", ""))
    scores = pairwise_scores(merged["incident_id_true"], merged["incident_id"])
    return {
        "calls": len(got),
        "seconds": round(seconds, 2),
        "cpu_seconds (less sensitive to other jobs on the cores)": round(cpu, 2),
        "summary": summary,
        "pairwise": {k: round(v, 4) for k, v in scores.items()},
    }


def _store_latency(work: Path, frame, params) -> dict | None:
    try:
        from serving.recent_calls import RecentCalls
    except ModuleNotFoundError:
        return None
    from features.linking import Linker

    linker = Linker(params)
    (work / "recent.db").unlink(missing_ok=True)
    store = RecentCalls(work / "recent.db", linker=linker)
    store.warm()
    rows = frame.sort_values("received_at").head(6000)
    times, cpu = [], []
    for r in rows.itertuples():
        call = {
            "call_id": r.call_id,
            "received_at": r.received_at,
            "text": r.text,
            "grid_id": r.grid_id,
            "lat": r.lat,
            "lon": r.lon,
        }
        began, thread = time.perf_counter(), time.thread_time()
        store.link(call, r.category)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - thread) * 1000)
    store.close()
    ms = np.array(times[500:])  # after the first calls, the store holds a full window
    cpu_ms = np.array(cpu[500:])
    return {
        "calls": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "cpu_p50_ms": round(float(np.percentile(cpu_ms, 50)), 3),
        "cpu_p99_ms": round(float(np.percentile(cpu_ms, 99)), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-params", action="store_true", help="ship the fitted params")
    parser.add_argument("--work", type=Path, help="cache directory for the simulated cities")
    args = parser.parse_args()
    work = args.work or Path(tempfile.gettempdir()) / "jingqing-linking"
    work.mkdir(parents=True, exist_ok=True)

    from features.grids import GridSet
    from features.linking import PARAMS_PATH, LinkParams, neighbour_map
    from features.schema import load_calls
    from training.link.fit import fit_params

    fit_city, eval_city = _city(work, 0, 90), _city(work, 1, 90)
    fit_frame = load_calls(fit_city / "calls.csv")
    neighbours = neighbour_map(GridSet.from_geojson(fit_city / "grids.geojson"))
    began = time.perf_counter()
    params, fit_scores = fit_params(
        fit_frame, neighbours=neighbours, trained_on="simulated city seed 0, 51 grids x 90 days"
    )
    fit_seconds = time.perf_counter() - began
    if args.write_params:
        params.to_json(PARAMS_PATH)
    shipped = LinkParams.from_json(PARAMS_PATH)
    frame = load_calls(eval_city / "calls.csv")
    eval_neighbours = neighbour_map(GridSet.from_geojson(eval_city / "grids.geojson"))
    record = {
        "benchmark": "linking",
        "targets": TARGETS,
        "params": shipped.__dict__ | {"ngram": list(shipped.ngram)},
        "fit": {
            "seconds": round(fit_seconds, 1),
            "threshold": params.threshold,
            "fit_city_scores (not evidence)": fit_scores,
        },
        "simulated_seed1_90d": {
            "coords_and_category": _scores(frame, shipped, eval_neighbours),
            "coords_no_category": _scores(
                frame.drop(columns="category"), shipped, eval_neighbours
            ),
            "grid_only_no_category": _scores(
                frame.drop(columns=["category", "lat", "lon"]), shipped, eval_neighbours
            ),
        },
        "similarity": _similarities(frame, shipped, eval_neighbours),
        "handwritten": _handwritten(shipped),
        "link_demo_year": _link_year(work),
        "store_latency": _store_latency(work, frame, shipped),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    sim = record["simulated_seed1_90d"]["coords_and_category"]
    print(f"simulated (seed 1): precision {sim['precision']:.3f} recall {sim['recall']:.3f}")
    hw = record["handwritten"]
    print(
        "hand-written pairs: "
        + (
            f"precision {hw['precision']:.3f} recall {hw['recall']:.3f} ({hw['pairs']} pairs)"
            if hw
            else "not present"
        )
    )
    year = record["link_demo_year"]
    print(f"link on a year of the demo city: {year['seconds']:.1f} s for {year['calls']:,} calls")
    if record["store_latency"]:
        lat = record["store_latency"]
        print(
            f"store link per call: p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms "
            f"(CPU p50 {lat['cpu_p50_ms']} ms, p99 {lat['cpu_p99_ms']} ms)"
        )
    print(f"load average {record['load_average']}; wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
