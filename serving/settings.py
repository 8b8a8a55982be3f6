"""The service's settings: one typed object, read from the environment in one place.

``Settings.from_env()`` is the only reader of the ``JINGQING_*`` serving switches. The
service reads it once when its module loads (BentoML needs workers, batching and the access
log when the class is declared) and each service instance keeps the object it started with
(``Runtime.settings``), so nothing re-reads the environment while requests are served.
``jingqing serve`` reads it first, so a bad value is one clear line, not a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from features.errors import UserError

# 256 texts x 2,000 CJK characters sent \u-escaped (Python's json default) is ~3.1 MB.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
ENV = {
    "home": "JINGQING_HOME",
    "api_token": "JINGQING_API_TOKEN",
    "max_body_bytes": "JINGQING_MAX_BODY_BYTES",
    "workers": "JINGQING_WORKERS",
    "batching": "JINGQING_BATCHING",
    "access_log": "JINGQING_ACCESS_LOG",
    "tracing": "JINGQING_TRACING",
    "max_inflight": "JINGQING_MAX_INFLIGHT",
    "model_source": "JINGQING_MODEL_SOURCE",
    "city": "JINGQING_CITY",
}
_OFF = ("off", "0", "false", "no")


class Settings(BaseModel):
    """Serving switches; see the README's "The HTTP service" for what each one does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    home: Path = Field(default=Path("."), description="registry, feedback DB, audit log")
    api_token: str | None = Field(default=None, description="Bearer token for POST routes")
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024)
    workers: int = Field(default=1, ge=1, le=64)
    batching: bool = Field(default=True, description="BentoML adaptive batching of /classify")
    access_log: bool = Field(default=False, description="BentoML's line per request")
    tracing: bool = Field(default=False, description="BentoML's OpenTelemetry spans")
    max_inflight: int = Field(default=64, ge=1, description="/classify requests per worker")
    model_source: Literal["registry", "bento"] = Field(
        default="registry", description="MLflow registry champions, or the Bento's own copies"
    )
    city: str = Field(
        default="demo", description="whose champions: triage-CITY / forecast-CITY (demo: plain)"
    )

    @field_validator("api_token", mode="before")
    @classmethod
    def _blank_is_off(cls, value: object) -> object:
        return (str(value).strip() or None) if value is not None else None

    @field_validator("city", mode="before")
    @classmethod
    def _city(cls, value: object) -> object:
        from training.datasets import valid_city

        try:
            return valid_city(str(value))
        except UserError as exc:
            raise ValueError(str(exc).split(": ", 1)[-1]) from None

    @field_validator("batching", "access_log", "tracing", mode="before")
    @classmethod
    def _switch(cls, value: object) -> object:
        return str(value).strip().lower() not in _OFF if isinstance(value, str) else value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``env`` (default ``os.environ``); a bad value is a ``UserError``."""
        source = os.environ if env is None else env
        given = {field: source[var] for field, var in ENV.items() if var in source}
        try:
            settings = cls.model_validate(given)
        except ValidationError as exc:
            err = exc.errors()[0]
            var = ENV.get(str(err["loc"][0]), str(err["loc"][0])) if err["loc"] else "?"
            raise UserError(f"{var}={given.get(str(err['loc'][0]), '')!r}: {err['msg']}") from None
        return settings.model_copy(update={"home": settings.home.resolve()})
