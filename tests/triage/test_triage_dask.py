"""``jingqing predict triage --scheduler``: scoring chunks as Dask tasks on a LocalCluster
gives byte-for-byte the serial output, bad rows in place."""

from __future__ import annotations

import json


def test_batch_triage_scoring_on_dask_equals_serial(
    cluster_address, fitted_triage, tmp_path
) -> None:
    from tests.triage.conftest import generated_frame
    from training.distributed import scheduler
    from training.triage.predict import run_predict_triage

    frame = generated_frame(900, seed=21)
    model = fitted_triage.model
    source = tmp_path / "in.jsonl"
    rows = [{"id": i, "text": t} for i, t in enumerate(frame["text"].iloc[600:])]
    rows.insert(5, {"id": -1, "text": ""})  # a bad row keeps its place
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    kwargs = {"batch_size": 64, "model": model, "model_version": "7", "show_progress": False}
    run_predict_triage(source, tmp_path / "serial.jsonl", **kwargs)
    with scheduler(cluster_address):
        run_predict_triage(source, tmp_path / "dask.jsonl", **kwargs)
    serial = (tmp_path / "serial.jsonl").read_text("utf-8")
    assert serial == (tmp_path / "dask.jsonl").read_text("utf-8")
    assert len(serial.splitlines()) == len(rows)
