"""``--scheduler``: batch triage scoring, backtest folds and per-grid Prophet fits run as
Dask tasks on a LocalCluster and give exactly the serial results."""

from __future__ import annotations

import numpy as np
import pytest

from features.errors import UserError
from features.tasks import active_client, map_tasks
from training.distributed import scheduler


def _square(x: int, offset: int) -> int:
    return x * x + offset


def test_map_tasks_keeps_order_serial_and_on_dask(cluster_address) -> None:
    items = list(range(20))
    assert map_tasks(_square, items, 3) == [x * x + 3 for x in items]
    with scheduler(cluster_address) as client:
        assert active_client() is client
        assert map_tasks(_square, items, 3) == [x * x + 3 for x in items]
    assert active_client() is None


@pytest.mark.parametrize("spec", ["local:0", "nonsense", "local:x"])
def test_bad_scheduler_specs_are_user_errors(spec: str) -> None:
    with pytest.raises(UserError, match="--scheduler"), scheduler(spec):
        pass


def test_backtest_folds_and_prophet_grids_on_dask_equal_serial(cluster_address) -> None:
    from features.prophet_model import ProphetModel
    from tests.forecast.conftest import synthetic_panel
    from training.forecast.backtest import fold_cutoffs, run_backtest

    panel, _ = synthetic_panel(n_grids=3, weeks=6, seed=2)
    cutoffs = fold_cutoffs(panel.n_hours, 2, 24)
    models = ["seasonal-naive", "lightgbm"]
    serial = run_backtest(panel, models, cutoffs, 24)
    with scheduler(cluster_address):
        remote = run_backtest(panel, models, cutoffs, 24)
    assert [(r.spec.model, r.spec.cutoff) for r in remote] == [
        (r.spec.model, r.spec.cutoff) for r in serial
    ]
    for a, b in zip(serial, remote, strict=True):
        assert np.array_equal(a.prediction.mean, b.prediction.mean)
        np.testing.assert_equal(a.metrics, b.metrics)

    prophet = ProphetModel(history_days=28, insample_days=7, ahead_hours=24)
    local = prophet.fit(panel).predictions_
    with scheduler(cluster_address):
        on_dask = ProphetModel(history_days=28, insample_days=7, ahead_hours=24).fit(panel)
    assert np.array_equal(local, on_dask.predictions_)


def test_classical_grids_on_dask_equal_serial(cluster_address) -> None:
    pytest.importorskip("statsforecast", reason="optional extra [classical] (caps pandas < 3)")
    from features.baselines import ClassicalModel
    from tests.forecast.conftest import synthetic_panel

    panel, _ = synthetic_panel(n_grids=3, weeks=4, seed=3)
    serial = ClassicalModel("ets", weeks=2).fit(panel).cached_[2]
    with scheduler(cluster_address):
        remote = ClassicalModel("ets", weeks=2).fit(panel).cached_[2]
    assert serial.shape == (3, 168) and np.array_equal(serial, remote)
