"""The plan's map: one Chinese-titled panel per shift, however many shifts the plan has."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.figure
import pandas as pd

from training.plan.picture import plan_map


def _result(grid_ids, shifts: int) -> SimpleNamespace:
    start = pd.Timestamp("2026-03-28 00:00", tz="Asia/Shanghai")
    rows = [
        {
            "shift": s,
            "shift_start": (start + pd.Timedelta(hours=8 * (s - 1))).isoformat(),
            "grid_id": g,
            "units": 1 + i % 3,
            "standby_units": int(i == 0),
            "expected_calls": 1.0 + i,
            "share_within_target": 0.6 + 0.03 * i,
        }
        for s in range(1, shifts + 1)
        for i, g in enumerate(grid_ids)
    ]
    return SimpleNamespace(table=pd.DataFrame(rows), target=5.0)


def test_every_shift_gets_a_chinese_panel(geometry, tmp_path, monkeypatch) -> None:
    # Given a plan of four shifts (more than fit in one row)
    figures = []
    real_savefig = matplotlib.figure.Figure.savefig

    def keep(fig, *args, **kwargs):
        figures.append([ax.get_title() for ax in fig.axes if ax.get_visible()])
        return real_savefig(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    # When its map is drawn
    path = plan_map(_result(list(geometry.ids), 4), geometry, tmp_path / "plan_map.png")
    # Then each shift has its own panel, titled in Chinese with its date, weekday and zone
    assert path.stat().st_size > 10_000
    titles = [t for t in figures[0] if t]
    assert len(titles) == 4
    assert titles[0].startswith("第 1 班 03-28 周六 00:00") and "UTC+08:00" in titles[0]
    assert titles[3].startswith("第 4 班 03-29 周日 00:00")
    assert all("5 分钟内到达" in t for t in titles)
