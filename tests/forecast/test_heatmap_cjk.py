"""The planners' heat map: Chinese labels drawn with an installed CJK font (no missing
glyphs), grid names, dates with weekdays and the time zone; no CJK font is one clear error."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from features.errors import UserError
from training import cjk
from training.forecast.planner import heatmap, shift_map


def _frame() -> pd.DataFrame:
    hours = pd.date_range("2025-03-29 00:00", periods=24, freq="h", tz="Asia/Shanghai")
    rows = [
        {"grid_id": g, "hour": h, "mean": 0.1 * i}
        for i, g in enumerate(["G1", "G2"])
        for h in hours
    ]
    return pd.DataFrame(rows)


def test_heatmap_draws_every_chinese_glyph(tmp_path: Path) -> None:
    path = tmp_path / "heat.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        heatmap(_frame(), path, names={"G1": "普洱广场片区"})
        shift_map(_frame(), tmp_path / "map.png")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5_000
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"


def test_day_hour_label_has_date_and_weekday() -> None:
    assert cjk.day_hour_label(pd.Timestamp("2025-03-29 08:00")) == "03-29 周六 08:00"
    assert cjk.day_hour_label(pd.Timestamp("2025-03-31 00:00")) == "03-31 周一 00:00"


def test_no_cjk_font_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cjk, "CJK_FAMILIES", ("No Such Font CJK",))
    with pytest.raises(UserError, match="no CJK font found"):
        heatmap(_frame(), tmp_path / "heat.png")
