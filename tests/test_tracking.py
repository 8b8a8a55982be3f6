"""The promotion rule shared by both models."""

from __future__ import annotations

import mlflow
import pytest

from training import tracking


class _Const(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


def _log() -> str:
    tracking.experiment_id("unit")
    mlflow.set_experiment("unit")
    with mlflow.start_run():
        info = mlflow.pyfunc.log_model(name="m", python_model=_Const(), pip_requirements=[])
    return info.model_uri


@pytest.mark.parametrize(
    ("higher", "tie", "scores", "aliases"),
    [
        (True, True, [0.8, 0.7, 0.8, 0.9], ["champion", "challenger", "champion", "champion"]),
        (True, False, [0.8, 0.8], ["champion", "challenger"]),
        (False, False, [1.0, 1.2, 0.9], ["champion", "challenger", "champion"]),
    ],
)
def test_alias_moves_only_when_the_new_version_is_at_least_as_good(
    jingqing_home, higher, tie, scores, aliases
):
    # Given a fresh store, when versions with these scores are registered in turn
    uri = tracking.configure()
    assert str(jingqing_home) in uri
    got = [
        tracking.register_and_promote(
            _log(), "unit-model", "score", s, higher_is_better=higher, allow_tie=tie
        ).alias
        for s in scores
    ]
    # then the alias follows the rule and the champion is the best version
    assert got == aliases
    best = max(scores) if higher else min(scores)
    assert float(tracking.champion_version("unit-model").tags["score"]) == best


def test_run_names_and_tags_say_what_ran_and_read_git_without_failing(monkeypatch) -> None:
    import re

    name = tracking.run_name("forecast", "lightgbm", "houston")
    assert re.fullmatch(r"forecast-lightgbm-houston-\d{8}-\d{4}", name)
    tags = tracking.job_tags("forecast", "lightgbm", "houston", 1234, dataset="121 grids")
    assert tags["jingqing.data_rows"] == "1234" and tags["jingqing.dataset"] == "121 grids"
    commit = tracking.git_commit()
    assert commit is None or re.fullmatch(r"[0-9a-f]{40}", commit)
    assert tags.get("mlflow.source.git.commit") == commit
    # outside git (no git program here) the tag is left out, nothing fails
    monkeypatch.setenv("PATH", "/nonexistent")
    assert tracking.git_commit() is None
    assert "mlflow.source.git.commit" not in tracking.job_tags("triage", "logreg", "demo", 1)
