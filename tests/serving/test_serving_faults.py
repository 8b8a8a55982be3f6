"""Registry faults: a missing database file, a new champion that does not load, and an
outage at start-up. The service keeps serving the last good copy, loudly, and recovers by
itself."""

from __future__ import annotations

import logging
import shutil
import time

import pytest
from serving_fakes import FakeTriage, register_fakes

from serving.models import cache_root, load_champion
from serving.runtime import Runtime


class Unloadable(FakeTriage):
    """Pickles fine, but its artifact cannot be loaded back (a corrupt or foreign file)."""

    def __setstate__(self, state):
        raise ValueError("corrupt model file")


def _errors(caplog) -> str:
    return " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_a_missing_registry_database_falls_back_to_the_cached_copy(served_home, caplog) -> None:
    first = load_champion("triage")
    db = served_home / "mlruns" / "mlflow.db"
    db.unlink()
    with caplog.at_level(logging.ERROR, logger="serving"):
        loaded = load_champion("triage")
    assert loaded.source == "last-known-good cache" and loaded.path == first.path
    assert "mlflow.db is missing" in _errors(caplog) and "LAST-KNOWN-GOOD" in _errors(caplog)
    assert not db.exists()  # not silently re-created empty


def test_an_unloadable_new_champion_never_replaces_the_good_copy(served_home, caplog) -> None:
    good = load_champion("triage")
    register_fakes(triage=Unloadable())  # version 2 becomes the champion
    with caplog.at_level(logging.ERROR, logger="serving"):
        loaded = load_champion("triage")
    assert loaded.label == "triage/1" and loaded.path == good.path
    assert "does not load" in _errors(caplog) and "corrupt model file" in _errors(caplog)
    pointer = (cache_root() / "triage" / "current.json").read_text(encoding="utf-8")
    assert '"version": "1"' in pointer


def test_an_outage_at_start_heals_in_the_background(served_home, monkeypatch) -> None:
    import serving.reload

    monkeypatch.setattr(serving.reload, "RETRY_FIRST_S", 0.2)
    db = served_home / "mlruns" / "mlflow.db"
    saved = served_home / "mlflow.db.saved"
    shutil.move(db, saved)  # the registry is away while the service starts
    runtime = Runtime().start()
    try:
        assert runtime.readiness()[0] is False
        shutil.move(saved, db)  # and comes back
        deadline = time.monotonic() + 60
        while not runtime.readiness()[0] and time.monotonic() < deadline:
            time.sleep(0.2)
        ready, body = runtime.readiness()
        assert ready, body
        assert body["models"]["triage"]["source"] == "registry"
    finally:
        runtime.close()


@pytest.mark.parametrize("name", ["triage", "forecast"])
def test_no_registry_and_no_cache_is_a_named_reason(jingqing_home, name) -> None:
    (jingqing_home / "mlruns" / "mlflow.db").unlink()
    runtime = Runtime().start()
    try:
        ready, body = runtime.readiness()
    finally:
        runtime.close()
    assert not ready and "mlflow.db is missing" in body["missing"][name]
