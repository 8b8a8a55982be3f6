"""The one typed configuration of the forecast pipeline.

Each model's hyper-parameters are a typed section whose fields and defaults are read from
the model's own constructor (``LightGBMModel.__init__``, ``ProphetModel.__init__``, ...), so
the defaults have one home and a typo is an error (``extra="forbid"``). A YAML file
(``--config``) overrides any subset; every resolved value is logged to MLflow.

    model: lightgbm
    folds: 4
    lightgbm: {learning_rate: 0.1, samples_per_hour: 1}
"""

from __future__ import annotations

import inspect
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from features.baselines import ClassicalModel, GridRhythm, LevelShape
from features.contract import FORECAST_MODELS
from features.forecast_models import LightGBMModel
from features.labels import DEFAULT_TIMEZONE
from features.prophet_model import ProphetModel

NOT_PARAMS = ("self", "holiday_country", "method")  # set by the pipeline, not by a user


def params_of(cls: type, name: str) -> type[BaseModel]:
    """A pydantic model of ``cls``'s constructor keywords, typed and defaulted from it."""
    hints = typing.get_type_hints(cls.__init__)
    fields: dict[str, Any] = {
        p.name: (hints.get(p.name, Any), p.default)
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.name not in NOT_PARAMS
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


LightGBMParams = params_of(LightGBMModel, "LightGBMParams")
ProphetParams = params_of(ProphetModel, "ProphetParams")
LevelShapeParams = params_of(LevelShape, "LevelShapeParams")
GridRhythmParams = params_of(GridRhythm, "GridRhythmParams")
ClassicalParams = params_of(ClassicalModel, "ClassicalParams")
SECTIONS = {  # model name -> its section of the config
    "lightgbm": "lightgbm",
    "prophet": "prophet",
    "level-shape": "level_shape",
    "grid-rhythm": "grid_rhythm",
    "mstl": "classical",
    "ets": "classical",
}


class ForecastConfig(BaseModel):
    """Everything that shapes a forecast model; logged to MLflow as the run's params."""

    model_config = ConfigDict(extra="forbid")

    model: Literal[FORECAST_MODELS] = "lightgbm"
    timezone: str = DEFAULT_TIMEZONE
    holiday_country: str | None = None  # None: from the time zone (US for America/*)
    include_patrol: bool = False
    count: Literal["calls", "incidents"] = "calls"  # incidents: one per linked group of calls
    folds: int = Field(4, ge=1, le=52)
    horizon: int = Field(168, ge=1, le=168)
    # auto: lightgbm's shift forecast blends in the direct shift-total model when that wins
    # on the backtest folds (training.forecast.shift_select); off: always the hourly sums
    shift_blend: Literal["auto", "off"] = "auto"
    lightgbm: LightGBMParams = Field(default_factory=LightGBMParams)
    prophet: ProphetParams = Field(default_factory=ProphetParams)
    level_shape: LevelShapeParams = Field(default_factory=LevelShapeParams)
    grid_rhythm: GridRhythmParams = Field(default_factory=GridRhythmParams)
    classical: ClassicalParams = Field(default_factory=ClassicalParams)

    def country(self) -> str:
        from training.forecast.data import default_holiday_country

        return self.holiday_country or default_holiday_country(self.timezone)

    def model_params(self, model: str | None = None) -> dict[str, Any]:
        """Keyword arguments of ``model``'s constructor (the chosen model by default)."""
        section = SECTIONS.get(model or self.model)
        return getattr(self, section).model_dump() if section else {}

    def flat(self) -> dict[str, str]:
        """Every resolved option as ``section.key`` strings (MLflow params)."""
        out: dict[str, str] = {}
        for key, value in self.model_dump().items():
            if isinstance(value, dict):
                out.update({f"{key}.{k}": str(v) for k, v in value.items()})
            else:
                out[key] = str(value)
        return out

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> ForecastConfig:
        """Defaults, then the YAML file (if any), then keyword overrides (``None`` skipped).

        Raises:
            UserError: the file is missing or not YAML, or sets an unknown/invalid option.
        """
        from training.cliutil import build_config, read_yaml_options

        values: dict[str, Any] = read_yaml_options(path) if path is not None else {}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return build_config(cls, values, "forecast")
