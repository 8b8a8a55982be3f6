"""Minimum-data and minimum-quality gates: too little data never trains, a useless model
never becomes the champion (for both models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.errors import UserError
from training import gates
from training.cli import main

FAST_CONFIG = (
    "candidates: [logreg]\ncv_sample: 300\nword_max_features: 5000\nchar_max_features: 5000\n"
)


def _no_registered_models() -> bool:
    from mlflow import MlflowClient

    from training import tracking

    tracking.configure()
    return not MlflowClient().search_registered_models()


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    from training.simulator import run_simulate

    out = tmp_path_factory.mktemp("city")
    run_simulate(out, grids=3, days=30, start="2025-03-01", seed=7, progress=False)
    return pd.read_csv(out / "calls.csv", dtype=str)


def test_require_rows_names_the_source_and_the_minimum() -> None:
    with pytest.raises(UserError, match=r"calls\.csv: 2 labelled calls, at least 200"):
        gates.require_rows(2, gates.MIN_TRIAGE_CALLS, "labelled calls", "calls.csv")
    gates.require_rows(200, gates.MIN_TRIAGE_CALLS, "labelled calls", "calls.csv")


def test_triage_quality_rejects_the_two_call_champion_and_passes_a_trained_model() -> None:
    # The figures of the model once promoted from two calls: F1 0.09, every call urgent.
    useless = {"evalset_macro_f1": 0.0856, "evalset_urgent_recall": 1.0}
    useless["evalset_urgent_precision"] = 0.181
    problems = gates.triage_quality_problems(useless, urgent_base_rate=0.181)
    assert len(problems) == 2
    assert (
        "macro-F1 0.086" in problems[0] and "100% of the hand-written calls urgent" in problems[1]
    )
    trained = {"evalset_macro_f1": 0.87, "evalset_urgent_recall": 0.96}
    trained["evalset_urgent_precision"] = 0.42
    assert gates.triage_quality_problems(trained, urgent_base_rate=0.181) == []
    assert gates.triage_quality_problems({"evalset_macro_f1": float("nan")}, None)


def test_forecast_quality_requires_beating_seasonal_naive() -> None:
    worse = {"poisson_deviance": 1.2, "skill_vs_seasonal_naive": -0.1}
    assert gates.forecast_quality_problems(worse, "lightgbm") == [
        "backtest deviance 10.0% worse than seasonal-naive"
    ]
    assert (
        gates.forecast_quality_problems(worse | {"skill_vs_seasonal_naive": 0.3}, "lightgbm") == []
    )
    assert gates.forecast_quality_problems({"poisson_deviance": float("nan")}, "lightgbm")
    assert gates.forecast_quality_problems({"poisson_deviance": 1.0}, "seasonal-naive") == []


@pytest.mark.parametrize(("model", "rows"), [("triage", 2), ("triage", 30), ("forecast", 2)])
def test_too_few_calls_train_nothing(
    jingqing_home: Path, calls: pd.DataFrame, capsys, model: str, rows: int
) -> None:
    # Given a file with a handful of calls spread over the whole period
    path = jingqing_home / "few.csv"
    calls.iloc[np.linspace(0, len(calls) - 1, rows).astype(int)].to_csv(path, index=False)
    # Then training exits 1 with one line, and nothing is registered
    assert main(["train", model, "--calls", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}: {rows} " in err and "at least 200" in err
    assert "Traceback" not in err
    assert _no_registered_models()


def test_a_model_that_learnt_nothing_is_not_registered(
    jingqing_home: Path, calls: pd.DataFrame, capsys
) -> None:
    # Given enough calls whose categories are shuffled (nothing to learn from the text)
    frame = calls.copy()
    frame["category"] = np.random.default_rng(0).permutation(frame["category"].to_numpy())
    path = jingqing_home / "shuffled.csv"
    frame.to_csv(path, index=False)
    config = jingqing_home / "fast.yaml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    # When triage is trained, then it fails the quality gate: exit 1, no registered model
    assert main(["train", "triage", "--calls", str(path), "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "error: triage model not registered: macro-F1" in err and "MLflow run" in err
    assert _no_registered_models()
