"""The typed forecast config: defaults from the models, YAML overrides, one-line errors."""

from __future__ import annotations

import pytest

from features.errors import UserError
from features.forecast_models import LightGBMModel
from features.prophet_model import ProphetModel
from training.cli import main
from training.forecast.config import ForecastConfig


def test_model_sections_take_their_defaults_from_the_models():
    cfg = ForecastConfig()
    assert cfg.lightgbm.learning_rate == LightGBMModel().learning_rate
    assert cfg.lightgbm.samples_per_hour == LightGBMModel().samples_per_hour
    assert cfg.prophet.history_days == ProphetModel().history_days
    # and a default run logs every LightGBM parameter
    flat = ForecastConfig().flat()
    assert flat["lightgbm.learning_rate"] == str(LightGBMModel().learning_rate)
    assert {"lightgbm.num_leaves", "prophet.insample_days", "model", "folds"} <= set(flat)


def test_yaml_overrides_a_subset_and_reaches_the_model(tmp_path):
    path = tmp_path / "forecast.yaml"
    path.write_text("model: grid-rhythm\nfolds: 2\ngrid_rhythm: {prior: 50}\n", encoding="utf-8")
    cfg = ForecastConfig.load(path, folds=None)
    assert (cfg.model, cfg.folds) == ("grid-rhythm", 2)
    assert cfg.model_params() == {"weeks": 8, "prior": 50.0}
    assert ForecastConfig.load(path, folds=3).folds == 3  # the command line wins


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lightgbm: {learnin_rate: 0.1}\n", "lightgbm.learnin_rate"),
        ("lightgbm: {num_leaves: many}\n", "lightgbm.num_leaves"),
        ("model: xgboost\n", "model"),
        ("- a list\n", "expected a mapping"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message.replace(".", r"\.")):
        ForecastConfig.load(path)


def test_train_forecast_with_a_bad_config_exits_with_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("lightgbm: {trees: 5}\n", encoding="utf-8")
    code = main(["train", "forecast", "--calls", str(tmp_path / "x.csv"), "--config", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and "lightgbm.trees" in err[0] and "Traceback" not in err[0]
