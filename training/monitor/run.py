"""``jingqing monitor``: score the recent calls with the champions and compare with the
references stored at training time; write ``report.json`` and ``report.html``.

:func:`run_monitor` is the one function behind the command; tests pass models in directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from features.errors import UserError
from features.labels import DEFAULT_TIMEZONE
from features.monitoring.agreement import agreement, read_corrections
from features.monitoring.config import load_thresholds
from features.monitoring.forecast_error import forecast_error
from features.monitoring.report import health, triage_drift
from features.monitoring.scoring import watched_scores

ALERT_EXIT = 3


@dataclass
class MonitorResult:
    report: dict
    json_path: Path
    html_path: Path

    @property
    def exit_code(self) -> int:
        return ALERT_EXIT if self.report["alert"] else 0


def _output_dir(value: str | Path) -> Path:
    out = Path(value)
    if out.exists() and not out.is_dir():
        raise UserError(f"--output {out}: is a file; give a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--output {out}: cannot create it ({exc.strerror or exc})") from None
    return out


def _champion_triage():
    from training.tracking import load_champion

    wrapped, version = load_champion("triage")
    return wrapped.model, f"triage v{version}"


def _champion_forecaster():
    from training import tracking

    tracking.configure()
    if tracking.champion_version("forecast") is None:
        return None, "no forecast@champion: forecast error not measured"
    wrapped, version = tracking.load_champion("forecast")
    return wrapped.forecaster, f"forecast v{version}"


def drift_of(model, calls: pd.DataFrame, th) -> dict:
    """Drift section for calls with text: the model's answers now vs its reference."""
    reference = getattr(model, "info", {}).get("monitor_reference")
    if not reference:
        raise UserError(
            "the triage champion carries no training reference for the monitor (trained "
            "before it existed): retrain with `jingqing train triage --calls FILE`"
        )
    scores = watched_scores(model, calls["text"].fillna("").astype(str).tolist())
    out = triage_drift(reference, scores, calls["received_at"], th)
    out["reference"] = {"source": reference.get("source"), "n": reference.get("n")}
    return out


def run_monitor(
    calls: str | Path,
    output: str | Path,
    *,
    feedback: str | Path | None = None,
    mapping: dict[str, str] | None = None,
    thresholds: str | Path | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    triage_model=None,
    forecaster=None,
    progress: Callable[[str], None] = print,
) -> MonitorResult:
    """Measure drift, agreement and forecast error for ``calls``; write the report."""
    from features.schema import load_calls

    th = load_thresholds(thresholds)
    out = _output_dir(output)
    progress(f"monitor: reading calls from {calls}")
    frame = load_calls(calls, mapping=mapping, require=("received_at",), timezone=timezone)
    has_text = "text" in frame and frame["text"].fillna("").astype(str).str.strip().ne("").any()
    has_grid = "grid_id" in frame and frame["grid_id"].notna().any()
    if not has_text and not has_grid:
        raise UserError(f"{calls}: needs a text column (drift) or grid_id (forecast error)")
    model_info: dict[str, str] = {}
    drift = None
    if has_text:
        if triage_model is None:
            triage_model, model_info["triage"] = _champion_triage()
        progress(f"monitor: scoring {len(frame):,} calls with the triage model")
        drift = drift_of(triage_model, frame, th)
    agreed = None
    if feedback is not None:
        progress(f"monitor: reading corrections from {feedback}")
        agreed = agreement(read_corrections(feedback), th.agreement)
    fc = None
    if has_grid:
        if forecaster is None:
            forecaster, model_info["forecast"] = _champion_forecaster()
        if forecaster is not None:
            progress("monitor: realised calls per grid and shift vs the forecast")
            citizen = frame if "source" not in frame else frame[frame["source"] != "patrol"]
            fc = forecast_error(forecaster, citizen.dropna(subset=["grid_id"]), th.forecast)
    report = health(drift, agreed, fc, model=model_info)
    json_path, html_path = out / "report.json", out / "report.html"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), "utf-8")
    from training.monitor.page import render

    html_path.write_text(render(report), encoding="utf-8")
    return MonitorResult(report, json_path, html_path)
