"""The service's settings: one typed object from the environment, bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest

from features.errors import UserError
from serving.settings import DEFAULT_MAX_BODY_BYTES, Settings


def test_defaults_when_nothing_is_set() -> None:
    s = Settings.from_env({})
    assert (s.api_token, s.workers, s.batching, s.access_log) == (None, 1, True, False)
    assert not s.tracing  # no span per request unless asked for
    assert s.max_body_bytes == DEFAULT_MAX_BODY_BYTES
    assert s.home == Path(".").resolve()


def test_environment_values_are_parsed(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "JINGQING_HOME": str(tmp_path),
            "JINGQING_API_TOKEN": "  secret ",
            "JINGQING_WORKERS": "2",
            "JINGQING_BATCHING": "off",
            "JINGQING_ACCESS_LOG": "ON",
            "JINGQING_MAX_BODY_BYTES": "65536",
            "JINGQING_TRACING": "on",
        }
    )
    assert s.tracing
    assert s.home == tmp_path and s.api_token == "secret" and s.workers == 2
    assert not s.batching and s.access_log and s.max_body_bytes == 65536
    assert Settings.from_env({"JINGQING_API_TOKEN": "   "}).api_token is None


@pytest.mark.parametrize(
    ("var", "value"),
    [("JINGQING_WORKERS", "many"), ("JINGQING_WORKERS", "0"), ("JINGQING_MAX_BODY_BYTES", "-1")],
)
def test_a_bad_value_is_one_line_naming_the_variable(var: str, value: str) -> None:
    with pytest.raises(UserError) as err:
        Settings.from_env({var: value})
    assert str(err.value).startswith(f"{var}={value!r}: ")
    assert "\n" not in str(err.value)


def test_serve_with_a_bad_setting_stops_with_one_line(monkeypatch, capsys) -> None:
    from training.cli import main

    monkeypatch.setenv("JINGQING_WORKERS", "abc")
    assert main(["serve", "--port", "3999"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: JINGQING_WORKERS='abc': ") and err.count("\n") == 1
    assert "Traceback" not in err
