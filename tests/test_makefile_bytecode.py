"""Python run by the Makefile keeps compiled bytecode in ``.venv/pycache``.

uv installs no ``.pyc`` files, so when nothing may write them every ``make demo`` step
compiles mlflow, pandas, scikit-learn, scipy, ... from source again (about 10 s of CPU a
process). The Makefile lets Python write them, outside the source tree, whatever the
caller's ``PYTHONDONTWRITEBYTECODE`` says.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_python_under_make_writes_bytecode_into_the_venv() -> None:
    show = f"show: ; @{sys.executable} -c 'import sys; print(sys.pycache_prefix, sys.dont_write_bytecode)'"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "--eval", show, "show"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(ROOT / ".venv" / "pycache"), "False"]
