"""Personal data never escapes: train on calls full of it, in every spelling the masker
must read, then search every file the project wrote (MLflow database, artifacts inside
their zip/gzip containers, logs, batch predictions) and everything printed."""

from __future__ import annotations

import gzip
import io
import json
import logging
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.cli import main

FAST_CONFIG = (
    "candidates: [logreg]\ncv_sample: 500\nword_max_features: 8000\nchar_max_features: 8000\n"
)
# One phone number, ID number, card and plate, each written the ways people write them.
FORMS = [
    "13912345678",
    "一三九一二三四五六七八",
    "幺三九幺二三四五六七八",
    "139 1234 5678",
    "139.1234.5678",
    "139—1234—5678",
    "139\u200b1234\u200b5678",
    "139 12345678",
    "13 91 23 45 67 8",
    "①③⑨①②③④⑤⑥⑦⑧",
    "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
    "١٣٩١٢٣٤٥٦٧٨",
    "+86 139 1234 5678",
    "440304199003074510",
    "440304 19900307 4510",
    "440304-19900307-4510",
    "6217001234567893",
    "6217.0012.3456.7893",
    "6217 0012 3456 7893",
    "苏E-7K9Q3",
    "苏E7K9Q3",
]
# What must not appear anywhere: each spelling, and the values behind them.
NEEDLES = [*FORMS, "12345678", "19900307", "00123456", "7K9Q3", "7k9q3", "一二三四五六七八"]


def _blobs(root: Path) -> list[tuple[str, bytes]]:
    """Every file under ``root``, with zip members and gzip streams opened."""
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out.append((str(path), data))
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                out += [(f"{path}!{n}", zf.read(n)) for n in zf.namelist()]
        elif data[:2] == b"\x1f\x8b":
            out.append((f"{path}!gz", gzip.decompress(data)))
    return out


def _leaks(blobs: list[tuple[str, bytes]]) -> list[str]:
    found = []
    for name, data in blobs:
        for needle in NEEDLES:
            for encoded in {needle.encode("utf-8"), json.dumps(needle)[1:-1].encode()}:
                if encoded in data:
                    found.append(f"{needle!r} in {name}")
    return found


@pytest.fixture(scope="module")
def pii_calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.simulator import run_simulate

    out = tmp_path_factory.mktemp("city")
    run_simulate(out, grids=3, days=30, start="2025-03-01", seed=9, progress=False)
    frame = pd.read_csv(out / "calls.csv", dtype=str)
    rng = np.random.default_rng(1)
    frame["text"] = [
        f"{text}，报警人电话{rng.choice(FORMS)}，另有{rng.choice(FORMS)}"
        for text in frame["text"].fillna("")
    ]
    path = out / "calls_with_pii.csv"
    frame.to_csv(path, index=False)
    return path


def test_the_fixture_really_holds_every_spelling(pii_calls: Path) -> None:
    text = pii_calls.read_text(encoding="utf-8")
    assert all(form in text for form in FORMS)


def test_no_personal_data_reaches_artifacts_logs_or_databases(
    jingqing_home: Path, pii_calls: Path, capsys, caplog
) -> None:
    config = jingqing_home / "fast.yaml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    predict_in = jingqing_home / "to_score.jsonl"
    predict_in.write_text(
        "".join(
            json.dumps({"id": i, "text": f"有人打架，回拨{f}"}) + "\n" for i, f in enumerate(FORMS)
        ),
        encoding="utf-8",
    )
    # When triage is trained on the calls and the champion scores texts full of PII
    with caplog.at_level(logging.DEBUG):
        assert main(["train", "triage", "--calls", str(pii_calls), "--config", str(config)]) == 0
        argv = ["predict", "triage", "--input", str(predict_in)]
        assert main([*argv, "--output", str(jingqing_home / "out" / "scored.jsonl")]) == 0
    printed = capsys.readouterr()
    # Then no spelling and no value appears in any file written (inputs aside) or any output
    # (the project's own source, shipped inside the model as code_paths, quotes examples)
    written = [
        b
        for b in _blobs(jingqing_home)
        if not b[0].startswith((str(predict_in), str(config))) and "/artifacts/code/" not in b[0]
    ]
    assert any("mlflow.db" in name for name, _ in written)
    assert any(name.endswith("scored.jsonl") for name, _ in written)
    said = [("stdout", printed.out.encode()), ("stderr", printed.err.encode())]
    said.append(("log records", caplog.text.encode()))
    leaks = _leaks(written + said)
    assert leaks == [], "\n".join(leaks)
