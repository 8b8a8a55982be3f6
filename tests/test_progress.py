"""Long steps show progress: a bar on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import io
import logging
import warnings

import pytest

from features import progress as shown
from features.tasks import map_tasks


def test_without_a_terminal_progress_is_plain_log_lines(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
) -> None:
    assert not shown.use_bars()  # pytest captures stderr: not a terminal
    with caplog.at_level(logging.INFO, logger="jingqing.progress"):
        items = list(shown.progress(range(3), "backtest folds", "fold", every=0.0))
    assert items == [0, 1, 2]
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("backtest folds: 1/3 folds (33%)")
    assert "left" in lines[0] and lines[-1].endswith("(done)")
    err = capsys.readouterr().err
    assert "\x1b[" not in err and "\r" not in err  # no bar, no cursor escapes


def test_on_a_terminal_it_is_a_bar_and_logging_goes_above_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = io.StringIO()
    monkeypatch.setattr(shown, "use_bars", lambda: True)
    monkeypatch.setattr("sys.stderr", terminal)
    handler = logging.StreamHandler(terminal)  # the command line's console handler
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a TqdmWarning (or any other) fails the test
            with shown.redirect_logging():
                for i in shown.progress(range(2), "texts", "call"):
                    logging.getLogger("test.progress").warning("step %d", i)
    finally:
        root.removeHandler(handler)
    out = terminal.getvalue()
    assert "texts: 100%" in out and "2/2" in out
    pieces = out.replace("\r", "\n").split("\n")
    steps = [p for p in pieces if "step" in p]
    assert len(steps) == 2 and not any("texts:" in p for p in steps)  # never glued to a bar


def test_map_tasks_shows_progress_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert map_tasks(abs, [-1, -2], desc="chunks", unit="chunk") == [1, 2]
