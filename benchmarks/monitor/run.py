"""Model monitor benchmark: injected drift fires, unchanged weeks stay quiet.

Triage: a model fitted on calls written by the simulator's text generator, its reference
scored on held-out calls (as ``jingqing train triage`` stores it), then 20 quiet weeks
(new seeds, nothing else changed) and 5 weeks of each injected scenario (a fraud wave, a
Spring-Festival week, a new district's place names, call takers' notes in a new template),
~330 calls a day like the default city. Forecast: a simulated city, the forecaster fitted
on all days before the last week, then 20 realisations of that week drawn from the
simulator's true intensity (quiet), the same week with a 1.5× surge, and with calls from
three grids the model never saw. Writes ``benchmarks/results/monitor.json``.

    .venv/bin/python benchmarks/monitor/run.py [--quiet-weeks 20] [--grids 20] [--days 120]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "results" / "monitor.json"
DRIFT = ("fraud_wave", "holiday_week", "new_district", "new_note_style")
WEEK = 168


def triage_part(quiet_weeks: int, per_week: int, drift_weeks: int) -> dict:
    from features.monitoring.config import load_thresholds
    from features.monitoring.report import triage_drift
    from features.monitoring.scoring import watched_scores
    from training.monitor.reference import attach_reference
    from training.monitor.scenarios import scenario_calls
    from training.triage.config import TriageConfig
    from training.triage.fit import fit_triage
    from training.triage.honest import attach_novelty

    th = load_thresholds()
    t0 = time.perf_counter()
    calls = scenario_calls("quiet", n=8000, seed=1000, start="2026-01-01")
    calls["divert_to"] = ""
    cfg = TriageConfig(candidates=("logreg",), cv_sample=2000)
    model = fit_triage(calls.iloc[:6500], cfg, progress=lambda _: None).model
    attach_novelty(model, calls["text"].iloc[:6500].tolist())  # as `train triage` does
    ref = attach_reference(model, calls.iloc[6500:], calls.iloc[:6500])
    fit_s = time.perf_counter() - t0
    print(f"triage model fitted in {fit_s:.0f} s; reference on {ref['n']} held-out calls")
    has_shift = "shift" in ref["hist"]

    def week(name: str, seed: int) -> dict:
        frame = scenario_calls(name, n=per_week, seed=seed)
        t = time.perf_counter()
        scores = watched_scores(model, frame["text"].tolist())
        report = triage_drift(ref, scores, frame["received_at"], th)
        return {
            "seconds": time.perf_counter() - t,
            "alerts": report["alerts"],
            "psi": {f: round(v["psi"], 4) for f, v in report["mix"].items()},
            "confidence_mean": report["text"]["confidence"].get("mean"),
            "shift_mean": report["text"]["shift"].get("mean"),
        }

    quiet = [week("quiet", seed) for seed in range(1, quiet_weeks + 1)]
    out = {
        "fit_seconds": round(fit_s, 1),
        "calls_per_week": per_week,
        "shift_score_in_model": has_shift,
        "reference": {"n": ref["n"], "mix": ref["mix"]},
        "quiet_weeks": quiet_weeks,
        "quiet_weeks_with_alert": sum(bool(w["alerts"]) for w in quiet),
        "quiet_false_alarm_rate": sum(bool(w["alerts"]) for w in quiet) / quiet_weeks,
        "quiet_max_category_psi": max(w["psi"]["category"] for w in quiet),
        "quiet_alerts": [a for w in quiet for a in w["alerts"]],
        "seconds_per_week": round(float(np.mean([w["seconds"] for w in quiet])), 2),
        "scenarios": {},
    }
    for name in DRIFT:
        weeks = [week(name, 500 + seed) for seed in range(drift_weeks)]
        out["scenarios"][name] = {
            "weeks": drift_weeks,
            "detected": sum(bool(w["alerts"]) for w in weeks),
            "detection_rate": sum(bool(w["alerts"]) for w in weeks) / drift_weeks,
            "category_psi_mean": round(float(np.mean([w["psi"]["category"] for w in weeks])), 4),
            "confidence_mean": round(float(np.mean([w["confidence_mean"] for w in weeks])), 4),
            "shift_mean": None
            if weeks[0]["shift_mean"] is None
            else round(float(np.mean([w["shift_mean"] for w in weeks])), 4),
            "example_alerts": weeks[0]["alerts"],
        }
    return out


def forecast_part(quiet_weeks: int, grids: int, days: int) -> dict:
    from features.forecaster import Forecaster
    from features.monitoring.config import load_thresholds
    from features.monitoring.forecast_error import forecast_error
    from training.forecast.data import load_forecast_data, load_intensity
    from training.monitor.scenarios import calls_from_intensity
    from training.simulator import run_simulate

    th = load_thresholds().forecast
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as tmp:
        sim = run_simulate(tmp, grids=grids, days=days, start="2025-06-01", progress=False)
        data = load_forecast_data(sim.calls_path)
        truth = load_intensity(sim.intensity_path, data.panel)
    panel = data.panel
    cut = panel.n_hours - WEEK
    t0 = time.perf_counter()
    forecaster = Forecaster("lightgbm").fit(panel.truncate(cut))
    fit_s = time.perf_counter() - t0
    ids = list(panel.grid_ids)
    hours = panel.hours(cut, cut + WEEK)
    mu = truth.counts[:, cut:]
    until = hours[-1] + pd.Timedelta(hours=1)

    def judge(calls: pd.DataFrame) -> dict:
        got = forecast_error(forecaster, calls, th, until=until)
        keys = ("coverage80_pit", "coverage80_interval", "deviance_ratio", "above_p90")
        return {k: round(got[k], 4) for k in keys} | {"alerts": got["alerts"]}

    quiet = [judge(calls_from_intensity(ids, hours, mu, seed)) for seed in range(quiet_weeks)]
    surge = judge(calls_from_intensity(ids, hours, mu * 1.5, seed=99))
    new = calls_from_intensity(["NEW-1", "NEW-2", "NEW-3"], hours, mu[:3], seed=98)
    district = judge(pd.concat([calls_from_intensity(ids, hours, mu, 97), new]))
    return {
        "grids": grids,
        "days": days,
        "model": "lightgbm",
        "fit_seconds": round(fit_s, 1),
        "week": [hours[0].isoformat(), until.isoformat()],
        "quiet_weeks": quiet_weeks,
        "quiet_weeks_with_alert": sum(bool(q["alerts"]) for q in quiet),
        "quiet_false_alarm_rate": sum(bool(q["alerts"]) for q in quiet) / quiet_weeks,
        "quiet_coverage80_pit_mean": round(
            float(np.mean([q["coverage80_pit"] for q in quiet])), 4
        ),
        "quiet_deviance_ratio_mean": round(
            float(np.mean([q["deviance_ratio"] for q in quiet])), 4
        ),
        "quiet_alerts": [a for q in quiet for a in q["alerts"]],
        "surge_1_5x": surge,
        "new_district": district,
    }


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quiet-weeks", type=int, default=20)
    p.add_argument("--drift-weeks", type=int, default=5)
    p.add_argument("--calls-per-week", type=int, default=2300)
    p.add_argument("--grids", type=int, default=20)
    p.add_argument("--days", type=int, default=120)
    args = p.parse_args()
    t0 = time.perf_counter()
    result = {
        "benchmark": "monitor",
        "load_average": os.getloadavg()[0],
        "triage": triage_part(args.quiet_weeks, args.calls_per_week, args.drift_weeks),
        "forecast": forecast_part(args.quiet_weeks, args.grids, args.days),
    }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    tri, fc = result["triage"], result["forecast"]
    print(
        f"triage: {tri['quiet_weeks_with_alert']}/{tri['quiet_weeks']} quiet weeks alerted "
        f"(max category PSI {tri['quiet_max_category_psi']:.3f})"
    )
    for name, s in tri["scenarios"].items():
        print(f"  {name}: {s['detected']}/{s['weeks']} detected; e.g. {s['example_alerts'][:1]}")
    print(
        f"forecast: {fc['quiet_weeks_with_alert']}/{fc['quiet_weeks']} quiet weeks alerted "
        f"(coverage {fc['quiet_coverage80_pit_mean']:.3f}, deviance ratio "
        f"{fc['quiet_deviance_ratio_mean']:.2f}); surge alerts {len(fc['surge_1_5x']['alerts'])}, "
        f"new district alerts {len(fc['new_district']['alerts'])}"
    )
    print(f"wrote {OUT} in {result['seconds']:.0f} s (load {result['load_average']:.1f})")


if __name__ == "__main__":
    main()
