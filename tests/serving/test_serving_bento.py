"""``jingqing bento`` builds a Bento holding the service and both champions.

The build and the check run as subprocesses so BentoML's store is the test's own
``BENTOML_HOME``, never the developer's. Nothing is downloaded: building writes the
requirements for ``bentoml containerize`` but installs nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

CHECK = """
import json
from features.contract import Suggestion
from serving.models import load_champion
triage = load_champion("triage", source="bento")
forecast = load_champion("forecast", source="bento")
answer = Suggestion.coerce(triage.model.suggest(["有人拿刀"])[0])
print(json.dumps([triage.source, triage.version, answer.category, list(forecast.model.grid_ids)]))
"""


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_bento_carries_both_champions_and_serves_them(served_home: Path) -> None:
    # Given a registry with triage and forecast champions (stand-ins, version 1)
    env = {
        **os.environ,
        "JINGQING_HOME": str(served_home),
        "BENTOML_HOME": str(served_home / "bentoml"),
        "BENTOML_DO_NOT_TRACK": "true",
    }
    env.pop("MLFLOW_TRACKING_URI", None)
    # When the Bento is built the documented way
    built = _run(["-m", "training.cli", "bento"], env, served_home)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "bentoml containerize jingqing:" in built.stdout
    # Then it names both imported champions, ships the code and the declared dependencies
    [bento_dir] = [p for p in (served_home / "bentoml" / "bentos" / "jingqing").iterdir()
                   if p.is_dir() and not p.is_symlink()]  # fmt: skip
    info = yaml.safe_load((bento_dir / "bento.yaml").read_text(encoding="utf-8"))
    names = {m["tag"].split(":")[0] for m in info["models"]}
    assert names == {"jingqing-triage", "jingqing-forecast"}
    assert (bento_dir / "src" / "serving" / "service.py").is_file()
    assert (bento_dir / "src" / "features" / "contract.py").is_file()
    assert not (bento_dir / "src" / "tests").exists()
    requirements = (bento_dir / "env" / "python" / "requirements.txt").read_text()
    assert "scikit-learn>=1.5,<2" in requirements and "mlflow>=3.1,<4" in requirements
    envs = {e["name"]: e["value"] for e in info["envs"]}
    assert envs["JINGQING_MODEL_SOURCE"] == "bento"
    # and the service loads the champions from the Bento's model store, not the registry
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{served_home / 'nowhere' / 'mlflow.db'}"
    checked = _run(["-c", CHECK], env, served_home)
    assert checked.returncode == 0, checked.stderr[-2000:]
    source, version, category, grids = json.loads(checked.stdout.strip().splitlines()[-1])
    assert (source, version, category) == ("bento", "1", "criminal")
    assert grids == [f"G{i:02d}" for i in range(1, 6)]
