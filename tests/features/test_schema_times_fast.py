"""The vectorised time parse gives what the careful per-part parse gives, blanks included.

Response-time columns (``dispatched_at``, ``arrived_at``, ``cleared_at``) are blank for
calls no unit attended; such a column used to miss the vectorised path and took the
regex path on every load (a second per column on a year of calls).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import features.schema_times as schema_times
from features.schema_checks import Checker

TZ = pd.Timestamp("2020-01-01").tz_localize("Asia/Shanghai").tz
CHICAGO = pd.Timestamp("2020-01-01").tz_localize("America/Chicago").tz

# (column values, zone, required)
CASES = [
    (["2025-03-05T08:00:00+08:00", "", "2025-03-05T09:30:12+08:00", " "], TZ, False),
    (["2025-03-05 08:00:00", "", "2025-03-05 23:59:59", ""], TZ, True),
    (["2025-03-05T08:00:00Z", "", "2025-03-05T09:00:00Z"], TZ, False),
    # a naive gap and overlap in Chicago, with blanks before them: warnings cite the rows
    (
        ["", "2025-03-09 02:30:00", "", "2025-11-02 01:30:00", "2025-06-01 12:00:00"],
        CHICAGO,
        False,
    ),
    (["", "1999-12-31 23:00:00", "2025-03-05 08:00:00"], TZ, True),  # out of range
]


def _check(values: list[str], tz, required: bool, careful: bool, monkeypatch):
    frame = pd.DataFrame({"t": np.asarray(values, dtype=object)})
    checker = Checker(frame, np.arange(2, len(values) + 2))
    with monkeypatch.context() as patch:
        if careful:
            patch.setattr(schema_times, "_fast_times", lambda *args: None)
        times = schema_times.check_times(checker, tz, "t", required=required)
    return times, checker.warnings, checker.problems.lines()


@pytest.mark.parametrize(("values", "tz", "required"), CASES)
def test_fast_path_matches_the_careful_parse(values, tz, required, monkeypatch) -> None:
    spied = []
    real = schema_times._fast_times
    monkeypatch.setattr(
        schema_times, "_fast_times", lambda *args: spied.append(real(*args)) or spied[-1]
    )
    fast, fast_warnings, fast_problems = _check(values, tz, required, False, monkeypatch)
    assert spied and spied[0] is not None  # the vectorised path answered
    careful, warnings, problems = _check(values, tz, required, True, monkeypatch)
    assert list(fast.isna()) == list(careful.isna()) == [not v.strip() for v in values]
    assert list(fast.dropna()) == list(careful.dropna())
    assert str(fast.dt.tz) == str(careful.dt.tz)
    assert fast_warnings == warnings
    assert fast_problems == problems


def test_blank_required_times_are_one_problem_each(monkeypatch) -> None:
    values = ["2025-03-05 08:00:00", "", "2025-03-05 09:00:00", ""]
    _, _, problems = _check(values, TZ, True, False, monkeypatch)
    assert problems == [
        "row 2 (line 3), column t: empty (every call needs a time)",
        "row 4 (line 5), column t: empty (every call needs a time)",
    ]
