"""``jingqing serve`` argument handling (the running server is tested in test_serving_server)."""

from __future__ import annotations

import argparse
import socket

import pytest

from features.errors import UserError
from serving.auth import exposure_warning
from serving.cli import how_to_call, run_serve, serve_command, serve_env
from training.cli import build_parser, main


def test_serving_cli_defaults_match_the_contract():
    args = build_parser().parse_args(["serve"])
    assert (args.port, args.host) == (3000, "127.0.0.1")
    cmd = serve_command(args.host, args.port)
    assert cmd[1:5] == ["-m", "bentoml", "serve", "serving.service:Jingqing"]
    assert cmd[-4:] == ["--host", "127.0.0.1", "--port", "3000"]


def test_serving_cli_refuses_a_busy_port(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"port {port}" in err and "already in use" in err and "Traceback" not in err


def test_serving_cli_banner_uses_token_and_forecast_window():
    ready = {"models": {"forecast": {"earliest_start": "2026-01-01T00:00:00+08:00"}}}
    text = how_to_call("http://127.0.0.1:3000", True, ready)
    assert "Authorization: Bearer $JINGQING_API_TOKEN" in text
    assert '"start": "2026-01-01T00:00:00+08:00"' in text
    assert "http://127.0.0.1:3000/ui/" in text


def test_serving_on_all_interfaces_without_a_token_warns_loudly(monkeypatch, capsys) -> None:
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", "s3cret") is None
    # Given the port taken, the command stops before starting a server, after the warning.
    monkeypatch.delenv("JINGQING_API_TOKEN", raising=False)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match="already in use"):
            run_serve(argparse.Namespace(host="0.0.0.0", port=port))
    err = capsys.readouterr().err
    assert "WARNING: listening on 0.0.0.0 with no API token" in err


def test_each_service_has_its_own_prometheus_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JINGQING_HOME", str(tmp_path))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/tmp/shared-by-every-bentoml")
    env_a, env_b = serve_env(3000), serve_env(3001)
    assert env_a["BENTOML_HOME"].startswith(str(tmp_path))
    assert env_a["BENTOML_HOME"] != env_b["BENTOML_HOME"]
    assert "PROMETHEUS_MULTIPROC_DIR" not in env_a
