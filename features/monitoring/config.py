"""The monitor's alert thresholds: one documented TOML file (``thresholds.toml``), typed here.

Unknown keys and wrong types are errors that name the key, so a typo in a copied file
cannot silently switch an alert off.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from features.errors import UserError

DEFAULT_FILE = Path(__file__).with_name("thresholds.toml")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MixThresholds(_Section):
    psi_alert: float = Field(gt=0)
    p_value: float = Field(gt=0, lt=1)
    min_calls: int = Field(ge=1)
    alert_share_change: float = Field(gt=0, lt=1)
    min_share_change: float = Field(gt=0, lt=1)


class TextThresholds(_Section):
    shift_mean_rise: float = Field(gt=0)
    confidence_mean_drop: float = Field(gt=0)
    psi_alert: float = Field(gt=0)
    min_calls: int = Field(ge=1)


class AgreementThresholds(_Section):
    min_corrections: int = Field(ge=1)
    min_accuracy: float = Field(ge=0, le=1)


class ForecastThresholds(_Section):
    min_shifts: int = Field(ge=1)
    min_coverage: float = Field(ge=0, le=1)
    max_deviance_ratio: float = Field(gt=0)
    max_unknown_grid_share: float = Field(ge=0, le=1)


class Thresholds(_Section):
    mix: MixThresholds
    text: TextThresholds
    agreement: AgreementThresholds
    forecast: ForecastThresholds


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """The thresholds in ``path`` (default: the shipped ``thresholds.toml``)."""
    source = Path(path) if path is not None else DEFAULT_FILE
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--thresholds {source}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"--thresholds {source}: not a TOML file ({exc})") from None
    try:
        return Thresholds.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first.get("loc", ()))
        raise UserError(f"--thresholds {source}: {key}: {first.get('msg')}") from None
