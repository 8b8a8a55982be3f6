"""The second-reader scorer on a tiny synthetic pair of gold and reader-2 files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "triage" / "second_reader.py"


@pytest.fixture(scope="module")
def scorer():
    spec = importlib.util.spec_from_file_location("second_reader", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


def _gold(cat, urgent=False, disp="transfer", to="", **extra):
    return {
        "category": cat,
        "urgent": urgent,
        "disposition": disp,
        "divert_to": to,
        "note": "",
        **extra,
    }


def _r2(bid, cat, urgent=False, disp="transfer", to=None, sure=True):
    return {
        "blind_id": bid,
        "category": cat,
        "urgent": urgent,
        "disposition": disp,
        "divert_to": to,
        "sure": sure,
        "note": "" if sure else "text says too little",
    }


@pytest.fixture
def files(tmp_path):
    gold_dir, reading = tmp_path / "gold", tmp_path / "reading"
    gold_dir.mkdir()
    reading.mkdir()
    hw = [
        {
            "id": "hw-1",
            "text": "a",
            "voice": "record",
            "hard_case": False,
            **_gold("criminal", True),
        },
        {"id": "hw-2", "text": "b", "voice": "note", "hard_case": True, **_gold("public_order")},
        {
            "id": "hw-3",
            "text": "c",
            "voice": "speech",
            "hard_case": False,
            **_gold("dispute", disp="on_scene"),
        },
        {
            "id": "hw-4",
            "text": "d",
            "voice": "record",
            "hard_case": True,
            **_gold("non_police", disp="divert", to="122"),
        },
    ]
    rec = [
        {
            "id": "rec-1",
            "text": "e",
            "split": "city",
            "police_class": "交通警情",
            **_gold("non_police", disp="divert", to="122"),
            "note": "规则→assistance：有人受伤需120",
        },
        {
            "id": "rec-2",
            "text": "f",
            "split": "holdout",
            "police_class": "刑事案件",
            **_gold("criminal"),
        },
    ]
    _write(gold_dir / "handwritten_v1.jsonl", hw)
    _write(gold_dir / "records_v1.jsonl", rec)
    _write(
        reading / "handwritten_v1_reader2.jsonl",
        [
            _r2("X2", "public_order"),
            _r2("X1", "criminal", urgent=True),
            _r2("X4", "non_police", disp="divert", to="12345"),
            _r2("X3", "public_order", urgent=True, sure=False),  # gold: dispute, not urgent
        ],
    )
    _write(
        reading / "records_v1_reader2.jsonl",
        [
            _r2("Y1", "assistance", urgent=True, disp="on_scene"),
            _r2("Y2", "criminal"),
        ],
    )
    key = {"X1": "hw-1", "X2": "hw-2", "X3": "hw-3", "X4": "hw-4", "Y1": "rec-1", "Y2": "rec-2"}
    (reading / "blind_key.json").write_text(json.dumps(key), encoding="utf-8")
    return gold_dir, reading, tmp_path / "out.json"


def _argv(files, bootstrap: int) -> list[str]:
    gold_dir, reading, out = files
    return ["--gold", str(gold_dir), "--reading", str(reading), "--output", str(out),
            "--bootstrap", str(bootstrap)]  # fmt: skip


def test_scores_agreement_through_the_blind_key(scorer, files, capsys):
    gold_dir, reading, out = files
    argv = _argv(files, bootstrap=20)
    assert scorer.main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    hw = result["handwritten_v1"]
    assert hw["category"]["accuracy"] == 0.75
    assert hw["category"]["per_class"]["dispute"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "gold": 1,
        "reader2": 0,
    }
    assert hw["category"]["confusion"]["matrix"][2][1] == 1  # gold dispute read as public_order
    assert hw["urgent"]["precision"] == 0.5 and hw["urgent"]["recall"] == 1.0
    assert hw["routing"]["divert_to_when_both_divert"] == {"n": 1, "accuracy": 0.0}
    assert hw["by_reader2_sure"]["unsure"]["accuracy"] == 0.0
    assert hw["by_reader2_sure"]["sure"]["accuracy"] == 1.0
    assert hw["by_gold_hard_case"]["hard"]["n"] == 2
    assert [d["id"] for d in hw["disagreements"]] == ["hw-3"]
    rec = result["records_v1"]
    # The code's map says non_police; the rules (the 规则→ note) say assistance, as reader 2 did.
    assert rec["category"]["accuracy"] == 0.5
    assert rec["category_by_rules"]["accuracy"] == 1.0
    assert rec["by_split"]["city"]["category_by_rules"]["accuracy"] == 1.0
    assert "handwritten_v1 (n=4" in capsys.readouterr().out


def test_a_label_file_that_does_not_fit_the_key_is_one_clear_line(scorer, files, capsys):
    gold_dir, reading, out = files
    path = reading / "records_v1_reader2.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace('"Y2"', '"Z9"'), encoding="utf-8")
    argv = _argv(files, bootstrap=0)
    assert scorer.main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Z9 is not in the key" in err[0]
    assert not out.exists()
    _write(path, [_r2("Y1", "assistance")])  # rec-2 left unlabelled
    assert scorer.main(argv) == 1
    assert "no label for 1 gold items (rec-2" in capsys.readouterr().err


def test_a_model_is_set_beside_the_two_readers(scorer, files):
    gold_dir, reading, out = files
    preds = gold_dir / "preds.jsonl"
    rows = [("hw-1", "criminal"), ("hw-2", "dispute"), ("hw-3", "public_order"),
            ("hw-4", "non_police"), ("rec-1", "assistance"), ("rec-2", "criminal")]  # fmt: skip
    _write(preds, [{"id": i, "category": c} for i, c in rows])
    assert scorer.main([*_argv(files, bootstrap=0), "--predictions", str(preds)]) == 0
    beside = json.loads(out.read_text(encoding="utf-8"))["handwritten_v1"]["model_beside_readers"]
    # Wrong on hw-2 (the readers agree there) and on hw-3 (they differ, and it sides with reader 2).
    assert beside["model_errors"] == 2
    assert beside["model_errors_where_readers_agree"] == 1
    assert beside["model_sides_with_reader2_where_readers_differ"] == 1
    _write(preds, [{"id": i, "category": c} for i, c in rows[:-1]])
    assert scorer.main([*_argv(files, bootstrap=0), "--predictions", str(preds)]) == 1
