"""``jingqing bento``: package the service and both champions as one Bento.

The champions are imported from the MLflow registry into the BentoML model store
(``bentoml.mlflow.import_model``) as ``jingqing-triage`` and ``jingqing-forecast``, labelled
with their registry version; ``bentofile.yaml`` names them, so the Bento carries them and
the service inside it loads them from there (``JINGQING_MODEL_SOURCE=bento``). The Python
dependencies come from ``pyproject.toml``, their one home.
"""

from __future__ import annotations

import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from features.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
BENTOFILE = ROOT / "bentofile.yaml"
MODEL_PREFIX = "jingqing-"
MODEL_NAMES = ("triage", "forecast")


def register(verbs: Any) -> None:
    p = verbs.top.add_parser(
        "bento",
        help="build a Bento of the service with both champion models",
        description="Import triage@champion and forecast@champion into the BentoML model "
        "store and build the Bento described by bentofile.yaml.",
    )
    p.set_defaults(func=run_bento)


def bento_model_tag(name: str) -> str:
    """The BentoML model name a champion is imported as (``jingqing-triage``)."""
    return f"{MODEL_PREFIX}{name}"


def import_champions() -> dict[str, str]:
    """Import both champions into the BentoML store; ``{name: bentoml tag}``."""
    import bentoml

    from training import tracking

    tracking.configure()
    versions = {name: tracking.champion_version(name) for name in MODEL_NAMES}
    missing = [name for name, version in versions.items() if version is None]
    if missing:
        raise UserError(
            f"no {' and no '.join(f'{n}@champion' for n in missing)} yet: train with "
            "`jingqing train triage|forecast --calls FILE` before building a Bento"
        )
    tags = {}
    for name, version in versions.items():
        model = bentoml.mlflow.import_model(
            bento_model_tag(name),
            f"models:/{name}/{version.version}",
            labels={"registry_version": str(version.version)},
            metadata={"registry_model": name, "run_id": str(version.run_id or "")},
        )
        tags[name] = str(model.tag)
    return tags


def build_config(bentofile: Path = BENTOFILE) -> dict[str, Any]:
    """The bentofile's options with the project's dependencies from ``pyproject.toml``."""
    import yaml

    config = yaml.safe_load(bentofile.read_text(encoding="utf-8"))
    project = tomllib.loads((bentofile.parent / "pyproject.toml").read_text(encoding="utf-8"))
    python = dict(config.get("python") or {})
    python["packages"] = [*python.get("packages", []), *project["project"]["dependencies"]]
    config["python"] = python
    return config


def build_bento(bentofile: Path = BENTOFILE) -> tuple[str, dict[str, str]]:
    """Import the champions and build the Bento; ``(bento tag, {name: model tag})``."""
    import bentoml
    import yaml

    tags = import_champions()
    with tempfile.TemporaryDirectory(prefix="jingqing-bento-") as tmp:
        resolved = Path(tmp) / "bentofile.yaml"
        resolved.write_text(yaml.safe_dump(build_config(bentofile)), encoding="utf-8")
        bento = bentoml.bentos.build_bentofile(str(resolved), build_ctx=str(bentofile.parent))
    return str(bento.tag), tags


def run_bento(args: Any) -> int:
    del args
    print("importing the champions into the BentoML model store and building the Bento ...")
    sys.stdout.flush()
    tag, models = build_bento()
    for name, model_tag in models.items():
        print(f"  {name}: {model_tag}")
    print(f"built Bento {tag}")
    print(f"  serve it:      bentoml serve {tag}")
    print(f"  make an image: bentoml containerize {tag}")
    return 0
