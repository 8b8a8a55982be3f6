"""The command line for data scientists: help on every option, a description on every
command, ``--version``, a ``--help`` that imports no heavy library, and batch prediction
that maps columns and writes the format its ``--output`` name asks for."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from training.cli import build_parser, main, package_version


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def test_every_command_has_a_description_and_every_option_help() -> None:
    missing = []
    for path, sub in _commands(build_parser()):
        if not sub.description:
            missing.append(f"{' '.join(path)}: no description")
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{' '.join(path)} {'/'.join(action.option_strings)}: no help")
    assert missing == []
    assert {" ".join(p) for p, _ in _commands(build_parser())} >= {
        "train forecast",
        "backtest forecast",
        "forecast",
        "predict triage",
    }


def test_version(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"jingqing {package_version()}"
    assert package_version()[0].isdigit()


def test_building_the_parser_imports_no_heavy_library() -> None:
    heavy = ("pandas", "numpy", "pydantic", "mlflow", "bentoml", "lightgbm", "matplotlib")
    code = (
        "import sys; from training.cli import build_parser; build_parser(); "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr


class _Model:
    def suggest(self, texts: list[str]) -> list[dict]:
        answer = {"category": "dispute", "confidence": 0.9, "probabilities": {"dispute": 0.9}}
        answer |= {"disposition": "on_scene", "divert_to": None, "urgent": False}
        return [answer | {"keywords": [t[:2]], "review": False} for t in texts]


def _source(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    frame = pd.DataFrame({"case": ["a1", "a2"], "description": ["楼上吵闹", "有人打架"]})
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_predict_maps_a_column_and_writes_csv_for_excel(tmp_path: Path) -> None:
    from training.triage.predict import run_predict_triage

    out = tmp_path / "out.csv"
    kwargs = {"model": _Model(), "model_version": "7", "show_progress": False}
    summary = run_predict_triage(_source(tmp_path), out, mapping={"text": "description"}, **kwargs)
    assert (summary.rows, summary.scored) == (2, 2)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the Chinese
    back = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(back["case"]) == ["a1", "a2"]
    assert list(back["category"]) == ["dispute", "dispute"]
    assert [json.loads(k) for k in back["keywords"]] == [["楼上"], ["有人"]]
    assert "description" not in back.columns and "text" not in back.columns


@pytest.mark.parametrize("name", ["out.jsonl", "out.json"])
def test_predict_writes_jsonl_for_json_names(tmp_path: Path, name: str) -> None:
    from training.triage.predict import run_predict_triage

    out = tmp_path / name
    run_predict_triage(
        _source(tmp_path),
        out,
        mapping={"text": "description"},
        model=_Model(),
        model_version="7",
        show_progress=False,
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["case"] for r in rows] == ["a1", "a2"]
    assert rows[0]["keywords"] == ["楼上"]


def test_predict_map_naming_a_missing_column_is_one_line(tmp_path: Path, capsys) -> None:
    src = _source(tmp_path)
    code = main(
        [
            "predict",
            "triage",
            "--input",
            str(src),
            "--output",
            str(tmp_path / "o.csv"),
            "--map",
            "text=narrative",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "--map text=narrative" in err and "narrative" in err
