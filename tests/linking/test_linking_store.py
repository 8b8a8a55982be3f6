"""The service's store of recent calls: linking, expiry, bounds, masking, durability."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pandas as pd
import pytest

from features.linking import Linker
from serving.recent_calls import RecentCalls

FIGHT = "XX路万达广场门口，两伙人打起来了，有人拿酒瓶砸人，现在还在打。"
FIGHT_AGAIN = "我在万达广场这里，门口有一群人在打架，还有人拿瓶子砸，你们快来"
ROOT = Path(__file__).resolve().parents[2]


def _call(call_id: str, minute: float, text: str = FIGHT, **extra) -> dict:
    at = pd.Timestamp("2025-05-01 22:00", tz="Asia/Shanghai") + pd.Timedelta(minutes=minute)
    return {
        "call_id": call_id,
        "received_at": at,
        "text": text,
        "grid_id": "G1",
        "lat": 24.78,
        "lon": 100.97,
    } | extra


@pytest.fixture
def store(tmp_path: Path):
    s = RecentCalls(tmp_path / "recent.db", window_s=1800)
    yield s
    s.close()


def test_a_later_call_finds_the_earlier_one_with_how_long_ago_and_where(store) -> None:
    linker = Linker()
    assert store.link(_call("A", 0), "public_order", linker) == []
    got = store.link(_call("B", 3, FIGHT_AGAIN, lat=24.7805), "public_order", linker)
    assert [m["call_id"] for m in got] == ["A"]
    assert got[0]["minutes_ago"] == 3.0 and got[0]["same_grid"] is True
    assert linker.params.threshold <= got[0]["score"] <= 1.0


def test_a_resent_call_is_not_its_own_duplicate(store) -> None:
    linker = Linker()
    store.link(_call("A", 0), None, linker)
    assert store.link(_call("A", 0), None, linker) == []
    assert store.count() == 1


def test_calls_outside_the_window_expire(store) -> None:
    linker = Linker()
    store.link(_call("A", 0), None, linker)
    store.link(_call("B", 45, "阳光小区停电了"), None, linker)  # 45 min later: A has expired
    assert store.count() == 1
    assert store.link(_call("C", 46), None, linker) == []


def test_the_store_is_bounded(tmp_path: Path) -> None:
    s = RecentCalls(tmp_path / "r.db", window_s=1800, max_rows=10)
    for k in range(25):
        s.link(_call(f"K{k}", k * 0.1, f"第{k}号", grid_id=f"G{k}"), None, Linker())
    assert s.count() == 10
    s.close()


def test_it_survives_a_restart_and_stores_text_masked(tmp_path: Path) -> None:
    path = tmp_path / "recent.db"
    s = RecentCalls(path)
    s.link(_call("A", 0, FIGHT + "我电话13912345678，身份证110101199003074514"), None, Linker())
    s.close()
    again = RecentCalls(path)
    got = again.link(_call("B", 2, FIGHT_AGAIN), None, Linker())
    again.close()
    assert [m["call_id"] for m in got] == ["A"]
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT text FROM recent_calls WHERE call_id = 'A'").fetchone()[0]
    assert "13912345678" not in stored and "110101199003074514" not in stored
    assert "<MOBILE>" in stored and "<IDCARD>" in stored


def test_missing_or_odd_coordinates_are_treated_as_unknown(store) -> None:
    linker = Linker()
    store.link(_call("A", 0, lat=None, lon="not a number"), None, linker)
    got = store.link(_call("B", 2, FIGHT_AGAIN, lat=None, lon=None), None, linker)
    assert [m["call_id"] for m in got] == ["A"]  # same grid, minutes apart, same story


def test_threads_can_link_at_once(store) -> None:
    linker = Linker()
    errors: list[BaseException] = []

    def work(prefix: str) -> None:
        try:
            for k in range(20):
                store.link(_call(f"{prefix}{k}", k * 0.5, grid_id=prefix), None, linker)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in "WXYZ"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and store.count() == 80


def test_acknowledged_calls_survive_sigkill(tmp_path: Path) -> None:
    # Given a process that stores calls and prints each call_id once link() has returned
    path = tmp_path / "recent.db"
    script = textwrap.dedent(
        f"""
        import sys, pandas as pd
        from features.linking import Linker
        from serving.recent_calls import RecentCalls
        store, linker = RecentCalls({str(path)!r}), Linker()
        start = pd.Timestamp("2025-05-01 22:00", tz="Asia/Shanghai")
        for k in range(100000):
            call = {{"call_id": f"K{{k}}", "text": f"第{{k}}个电话，有人打架",
                    "received_at": start + pd.Timedelta(seconds=k % 600), "grid_id": "G1"}}
            store.link(call, None, linker)
            print(call["call_id"], flush=True)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True
    )
    acked = []
    assert proc.stdout is not None
    for line in proc.stdout:
        acked.append(line.strip())
        if len(acked) == 150:
            break
    # When it is killed mid-stream
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # Then every acknowledged call is in the store
    with sqlite3.connect(path) as conn:
        stored = {row[0] for row in conn.execute("SELECT call_id FROM recent_calls")}
    assert set(acked) <= stored
