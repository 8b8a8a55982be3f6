"""The notebooks run top to bottom (on a small simulated city or the hand-written sets), as a
data scientist would.

They are executed with ``nbclient`` in the ``python3`` kernel (jupyter_client starts it with
the interpreter running pytest, i.e. the project's .venv), with the working directory set
to ``notebooks/`` and the data / home given through the environment, exactly like the
notebooks document. The files in git stay output-free; executed copies are written to
``test-artifacts/notebooks/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "notebooks"


def _run(name: str, timeout: int = 120) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, ARTIFACTS / name)  # the executed copy, for people to look at
    return nb


def _outputs(nb: nbformat.NotebookNode, kind: str) -> list:
    return [
        out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs if kind in out
    ]


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.fixture
def small_city(jingqing_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 6-grid, 60-day city in the project home, announced to the notebooks."""
    from training.cli import main

    city = jingqing_home / "city"
    assert main(["simulate", "--out", str(city), "--grids", "6", "--days", "60"]) == 0
    monkeypatch.setenv("JINGQING_CALLS", str(city / "calls.csv"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return city


@pytest.mark.parametrize(
    "name", ["01-explore-calls.ipynb", "02-retrain-and-compare.ipynb", "03-triage-errors.ipynb"]
)
def test_notebooks_are_stored_without_outputs(name: str) -> None:
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{name} has no code"
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "from features" in source or "from training" in source  # uses the package


def test_explore_notebook_runs_on_a_small_city(small_city: Path) -> None:
    import pandas as pd

    nb = _run("01-explore-calls.ipynb")

    n_calls = len(pd.read_csv(small_city / "calls.csv"))
    text = _text(nb)
    assert f"{n_calls:,} calls, 6 grids" in text
    assert "TqdmWarning" not in text
    assert "statutory holiday" in text  # Jan-Feb 2025 holds New Year and Spring Festival
    assert len(_outputs(nb, "data")) >= 5
    pngs = [o for o in _outputs(nb, "data") if "image/png" in o["data"]]
    assert len(pngs) >= 4  # grid volumes, weekday x hour, categories, daily with holidays


def test_retrain_notebook_compares_two_models_in_a_scratch_store(
    small_city: Path, jingqing_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    from training import tracking
    from training.cli import main

    # Given a how-mean champion trained from the command line in the project's store
    calls, geo = str(small_city / "calls.csv"), str(small_city / "grids.geojson")
    args = ["--calls", calls, "--grids-geojson", geo, "--folds", "1"]
    assert main(["train", "forecast", *args, "--model", "how-mean"]) == 0
    real_db = jingqing_home / "mlruns" / "mlflow.db"
    before = real_db.read_bytes()
    # and the champion's own model asked for as challenger, promoted by hand
    monkeypatch.setenv("JINGQING_CHALLENGER", "how-mean")
    monkeypatch.setenv("JINGQING_FOLDS", "1")
    monkeypatch.setenv("JINGQING_PROMOTE", "yes")
    monkeypatch.setenv("JINGQING_SCRATCH", str(tmp_path / "scratch"))

    nb = _run("02-retrain-and-compare.ipynb", timeout=240)

    # Then two different models were compared (the identical challenger was replaced)
    text = _text(nb)
    assert "challenger how-mean is the champion's own model" in text
    assert "challenger v2 seasonal-naive" in text and "champion v1 how-mean" in text
    assert "v2 promoted by hand (previous champion v1)" in text
    assert "champion v2: 144 rows, 6 grids" in text  # the promoted model answers
    assert "TqdmWarning" not in text and "\x1b[A" not in text
    pngs = [o for o in _outputs(nb, "data") if "image/png" in o["data"]]
    assert len(pngs) == 2  # side-by-side comparison, champion's next 24 h
    # the project's store was not written; the scratch store holds both versions
    assert real_db.read_bytes() == before
    scratch = f"sqlite:///{tmp_path / 'scratch' / 'mlruns' / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=scratch, registry_uri=scratch)
    champion = client.get_model_version_by_alias("forecast", "champion")
    assert (str(champion.version), champion.tags["model"]) == ("2", "seasonal-naive")
    assert "side-by-side" in champion.tags["promoted_by_hand"]
    assert client.get_run(champion.run_id).info.run_name.startswith(
        "forecast-seasonal-naive-demo-"
    )
    tracking.configure()
    assert len(MlflowClient().search_model_versions("name='forecast'")) == 1


def test_triage_errors_notebook_judges_both_hand_written_sets(
    jingqing_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no champion in the home, the notebook fits a small model on simulated calls
    monkeypatch.setenv("JINGQING_TRIAGE_MODEL", "auto")
    monkeypatch.setenv("JINGQING_SIM_ROWS", "1200")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    store = jingqing_home / "mlruns" / "mlflow.db"
    before = store.read_bytes()

    nb = _run("03-triage-errors.ipynb", timeout=300)

    # Then both sets are judged: confusion matrices, reliability diagrams, worst mistakes,
    # the police classes of the records' mistakes and the candidates' coverage per class
    text = _text(nb)
    assert "small model on 1,200 simulated calls" in text
    assert "handwritten_v1: " in text and "records (city): " in text and "mistakes" in text
    assert "candidates coverage" in text and "police_class" in text
    assert "macro-F1 by the map" in text and "by the rules" in text  # records, both labels
    pngs = [o for o in _outputs(nb, "data") if "image/png" in o["data"]]
    assert len(pngs) == 2  # confusion matrices, reliability diagrams (two panels each)
    html = "".join(o["data"].get("text/html", "") for o in _outputs(nb, "data"))
    assert html.count("<table") >= 5  # summary, by class, 2 x worst mistakes, coverage
    # and nothing was written into the project home's model store
    assert store.read_bytes() == before
    assert sorted(p.name for p in (jingqing_home / "mlruns").iterdir()) == ["mlflow.db"]
