"""``jingqing serve`` argument handling (the running server is tested in test_serving_server)."""

from __future__ import annotations

import socket

from serving.cli import how_to_call, serve_command
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
