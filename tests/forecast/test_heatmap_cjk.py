"""The planners' heat map: Chinese labels drawn with an installed CJK font (no missing
glyphs), grid names, dates with weekdays and the time zone; no CJK font is one clear error."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from features.errors import UserError
from training import cjk
from training.forecast.maps import shift_map
from training.forecast.planner import heatmap


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


def test_shift_map_draws_a_labelled_panel_per_shift(tmp_path: Path, monkeypatch) -> None:
    import matplotlib.figure

    from training.forecast import maps

    hours = pd.date_range("2025-03-29 10:00", periods=30, freq="h", tz="Asia/Shanghai")
    frame = pd.DataFrame(
        [
            {"grid_id": g, "hour": h, "mean": 0.1 * (i + 1)}
            for i, g in enumerate(["G1", "G2"])
            for h in hours
        ]
    )
    table, held = maps.shift_table(frame)
    # Sat 10:00 to Sun 16:00: Sat 08-16 (6 h of it), 16-24, Sun 00-08, 08-16
    assert list(held) == [6, 8, 8, 8]
    assert table.loc["G2"].tolist() == pytest.approx([1.2, 1.6, 1.6, 1.6])
    saved = []
    real_savefig = matplotlib.figure.Figure.savefig

    def keep(fig, *args, **kwargs):
        saved.append(fig)
        return real_savefig(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    maps.shift_map(frame, tmp_path / "map.png", names={"G1": "普洱广场片区"})
    panels = [ax for ax in saved[0].axes if ax.get_title()]
    titles = [ax.get_title() for ax in panels]
    assert titles[0] == "03-29 周六 08:00–16:00（窗口内 6 小时）"  # the shift, cut by the window
    assert len(panels) == 4 and any(t.startswith("03-30 周日 08:00") for t in titles)
    texts = [t.get_text() for ax in panels for t in ax.texts]
    assert sum("普洱广场片区" in t for t in texts) == 4 and sum("G2" in t for t in texts) == 4
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
