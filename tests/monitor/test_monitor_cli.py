"""``jingqing monitor``: report files, exit code 3 on an alert, one clear line on bad input."""

from __future__ import annotations

import json

import pytest

from training.cli import main
from training.monitor.run import ALERT_EXIT, run_monitor
from training.monitor.scenarios import scenario_calls


def _write(frame, path):
    frame[["call_id", "received_at", "text"]].to_csv(path, index=False)
    return path


def test_quiet_week_writes_the_report_and_exits_0(monitored_model, tmp_path):
    calls = _write(scenario_calls("quiet", n=500, seed=21), tmp_path / "week.csv")
    result = run_monitor(calls, tmp_path / "out", triage_model=monitored_model, progress=print)
    assert result.exit_code == 0
    saved = json.loads(result.json_path.read_text("utf-8"))
    assert saved["alert"] is False and saved["drift"]["n"] == 500
    page = result.html_path.read_text("utf-8")
    assert "No alert" in page and "data:image/png;base64," in page


def test_fraud_wave_exits_3_with_the_alert_in_words(monitored_model, tmp_path):
    calls = _write(scenario_calls("fraud_wave", n=500, seed=22), tmp_path / "week.csv")
    result = run_monitor(calls, tmp_path / "out", triage_model=monitored_model)
    assert result.exit_code == ALERT_EXIT
    messages = [a["message"] for a in result.report["alerts"]]
    assert any("刑事 share" in m and "in training" in m for m in messages)
    assert "刑事 share" in result.html_path.read_text("utf-8")


def test_model_without_reference_is_one_clear_line(monitored_model, tmp_path):
    import copy

    old = copy.copy(monitored_model)
    old.info = {}
    calls = _write(scenario_calls("quiet", n=50, seed=23), tmp_path / "week.csv")
    with pytest.raises(Exception, match="no training reference"):
        run_monitor(calls, tmp_path / "out", triage_model=old)


def test_cli_errors_are_one_line(tmp_path, capsys, jingqing_home):
    calls = _write(scenario_calls("quiet", n=20, seed=24), tmp_path / "week.csv")
    bad = tmp_path / "t.toml"
    bad.write_text("[mix]\npsi_alert = 'high'\n", encoding="utf-8")
    assert (
        main(
            ["monitor", "--calls", str(calls), "--output", str(tmp_path), "--thresholds", str(bad)]
        )
        == 1
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --thresholds") and "mix" in err and "\n" not in err
    assert main(["monitor", "--calls", str(calls), "--output", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip()
    assert "no model triage@champion" in err and "\n" not in err
    assert main(["monitor", "--calls", str(tmp_path / "nope.csv"), "--output", "o"]) == 1
    assert "\n" not in capsys.readouterr().err.strip()
