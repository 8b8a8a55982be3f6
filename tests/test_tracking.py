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
