"""Where runs and models live, and the one promotion rule both models share.

Defaults: a SQLite tracking/registry store at ``$JINGQING_HOME/mlruns/mlflow.db`` with
artifacts under ``$JINGQING_HOME/mlruns/artifacts`` (``JINGQING_HOME`` defaults to the
current directory). ``MLFLOW_TRACKING_URI`` overrides the store, e.g. a team server.
Nothing happens at import time; call :func:`configure` first.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CHAMPION = "champion"
CHALLENGER = "challenger"


def home() -> Path:
    return Path(os.environ.get("JINGQING_HOME", ".")).resolve()


def mlruns_dir() -> Path:
    return home() / "mlruns"


def tracking_uri() -> str:
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if uri:
        return uri
    return f"sqlite:///{mlruns_dir() / 'mlflow.db'}"


def configure() -> str:
    """Point MLflow at the project's store (creating the local folder if needed)."""
    import mlflow

    from features.progress import use_bars

    # MLflow's own download bars only on a terminal (no escape noise in logs, no
    # TqdmWarning in notebooks).
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", str(use_bars()).lower())
    uri = tracking_uri()
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return uri


def experiment_id(name: str) -> str:
    """Get or create experiment ``name`` with artifacts under ``mlruns/artifacts/<name>``."""
    import mlflow

    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    location = None
    if not os.environ.get("MLFLOW_TRACKING_URI", "").startswith(("http://", "https://")):
        artifacts = mlruns_dir() / "artifacts" / name
        artifacts.mkdir(parents=True, exist_ok=True)
        location = artifacts.as_uri()
    return mlflow.create_experiment(name, artifact_location=location)


def git_commit() -> str | None:
    """The commit of the code that runs (None outside a git checkout or without git)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if len(commit) == 40 else None


def run_name(kind: str, model: str, city: str) -> str:
    """``forecast-lightgbm-houston-20260301-0915``: what, which model, which city, when."""
    from datetime import datetime

    return f"{kind}-{model}-{city}-{datetime.now():%Y%m%d-%H%M}"


def job_tags(kind: str, model: str, city: str, rows: int, **extra: object) -> dict[str, str]:
    """The tags every training run carries: kind, model, city, data rows, git commit and
    the package version (the commit is left out, not an error, outside git)."""
    from training.cli import package_version

    tags = {
        "jingqing.kind": kind,
        "jingqing.model": model,
        "jingqing.city": city,
        "jingqing.data_rows": str(rows),
        "jingqing.version": package_version(),
        **{f"jingqing.{k}": str(v) for k, v in extra.items()},
    }
    commit = git_commit()
    if commit:
        tags["mlflow.source.git.commit"] = commit
    return tags


def log_calls_input(frame: Any, *, name: str, source: str, digest: str) -> None:
    """``mlflow.log_input`` of the calls a run trained on: name, digest, source, schema
    and row count. ``frame`` must hold no raw text (masked, or counts only); MLflow keeps
    the schema and profile, not the rows."""
    import mlflow
    import mlflow.data

    dataset = mlflow.data.from_pandas(frame, source=source, name=name, digest=digest[:36])
    mlflow.log_input(dataset, context="training")


def describe(name: str, version: str, model_text: str, version_text: str) -> None:
    """Descriptions the registry shows: what the registered model is, what this version
    was trained on (set on the model only while it has none, so edits by hand stay)."""
    from mlflow import MlflowClient

    client = MlflowClient()
    if not (client.get_registered_model(name).description or "").strip():
        client.update_registered_model(name, description=model_text)
    client.update_model_version(name, version, description=version_text)


@dataclass(frozen=True)
class Promotion:
    """What happened to a freshly registered model version."""

    name: str
    version: str
    alias: str  # "champion" or "challenger"
    metric: str
    value: float
    previous_version: str | None
    previous_value: float | None
    blocked: str | None = None  # why the comparison was not made (another data set)

    def summary(self) -> str:
        if not self.previous_version:
            prev = "no champion yet"
        elif self.previous_value is None:
            prev = f"current champion v{self.previous_version} not scored on the same data"
        else:
            prev = (
                f"current champion v{self.previous_version} "
                f"{self.metric}={self.previous_value:.4f}"
            )
        verdict = "promoted to @champion" if self.alias == CHAMPION else "kept as @challenger"
        if self.blocked:
            verdict += f" ({self.blocked})"
        return (
            f"model {self.name} v{self.version} {self.metric}={self.value:.4f} ({prev}): {verdict}"
        )


def champion_version(name: str):
    """The registered version behind ``name@champion``, or None."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()
    try:
        return client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None


def registered_cities() -> dict[str, list[str]]:
    """``{city: [kinds]}`` of the registered models in the store (``training.datasets``)."""
    from mlflow import MlflowClient

    from training.datasets import known_cities

    names = [m.name for m in MlflowClient().search_registered_models(max_results=1000)]
    return known_cities(names)


def champions(kind: str) -> dict[str, Any]:
    """``{registered name: champion version}`` of every city's model of ``kind``."""
    from mlflow import MlflowClient

    from training.datasets import city_of

    client = MlflowClient()
    found = {}
    for model in client.search_registered_models(max_results=1000):
        parsed = city_of(model.name)
        if parsed and parsed[0] == kind and CHAMPION in (model.aliases or {}):
            found[model.name] = client.get_model_version(model.name, model.aliases[CHAMPION])
    return found


def register_and_promote(
    model_uri: str,
    name: str,
    metric: str,
    value: float,
    *,
    higher_is_better: bool,
    allow_tie: bool,
    tags: dict[str, str] | None = None,
    champion_value: float | None = None,
    rescored: bool = False,
    dataset: str | None = None,
    descriptions: tuple[str, str] | None = None,
) -> Promotion:
    """Register ``model_uri`` as a new version of ``name`` and move an alias.

    The metric is stored as a version tag, so the comparison always uses the value the
    champion earned when it was promoted on the same fixed yardstick — unless the caller
    re-scored the champion on the challenger's own yardstick (``rescored=True``,
    ``champion_value``; None when it could not be scored, which counts as no champion), so
    scores from different data are never compared. The new version
    becomes ``champion`` when it beats (or, with ``allow_tie``, equals) the champion;
    otherwise it becomes ``challenger``. With ``dataset`` (``training.datasets``), a
    champion of another data set is never challenged. ``descriptions``: the registered
    model's (kept once set) and this version's, shown by the registry.
    """
    import mlflow
    from mlflow import MlflowClient

    from training.datasets import DATASET_TAG, other_dataset_reason

    client = MlflowClient()
    current = champion_version(name)
    prev_value: float | None = None
    if rescored:
        prev_value = None if champion_value is None else float(champion_value)
    elif current is not None:
        raw = current.tags.get(metric)
        prev_value = float(raw) if raw is not None else None

    blocked = other_dataset_reason(current.tags.get(DATASET_TAG) if current else None, dataset)
    if dataset is not None:
        tags = {**(tags or {}), DATASET_TAG: dataset}
    version = mlflow.register_model(
        model_uri, name, tags={metric: repr(float(value)), **(tags or {})}
    )
    if prev_value is None or math.isnan(prev_value):
        better = True
    elif higher_is_better:
        better = value > prev_value or (allow_tie and value == prev_value)
    else:
        better = value < prev_value or (allow_tie and value == prev_value)
    alias = CHAMPION if better and not blocked else CHALLENGER
    client.set_registered_model_alias(name, alias, version.version)
    if descriptions is not None:
        describe(name, str(version.version), *descriptions)
    promotion = Promotion(
        name=name,
        version=str(version.version),
        alias=alias,
        metric=metric,
        value=float(value),
        previous_version=str(current.version) if current is not None else None,
        previous_value=prev_value,
        blocked=blocked,
    )
    log.info(promotion.summary())
    return promotion


def promote(name: str, version: str | int, reason: str) -> str | None:
    """Make ``version`` of ``name`` the champion by a human decision; return the old one.

    ``register_and_promote`` applies the metric rule when a model is trained; this is the
    explicit override a data scientist uses after comparing runs (e.g. on a wider
    evaluation than the promotion metric). The reason is kept as a version tag so the
    registry shows why the champion changed; the previous champion becomes ``challenger``.
    """
    from mlflow import MlflowClient

    client = MlflowClient()
    current = champion_version(name)
    previous = str(current.version) if current is not None else None
    version = str(version)
    client.get_model_version(name, version)  # fails clearly if the version does not exist
    client.set_model_version_tag(name, version, "promoted_by_hand", reason)
    client.set_registered_model_alias(name, CHAMPION, version)
    if previous is not None and previous != version:
        client.set_registered_model_alias(name, CHALLENGER, previous)
    log.info(
        "model %s v%s promoted to @champion by hand (was v%s): %s", name, version, previous, reason
    )
    return previous


def log_model(
    code: Path,
    artifacts: dict[str, str],
    *,
    input_example: Any,
    signature: Any,
    pip_requirements: list[str],
    name: str = "model",
) -> Any:
    """Log a pyfunc the one way both models use: MLflow "models from code".

    ``code`` is a small script that builds the wrapper (``mlflow.models.set_model``); the
    wrapper's classes are imported from the installed project when the model loads, so
    nothing but the fitted state (``artifacts``) is pickled. The explicit signature and
    input example document the input and let MLflow check a served request.
    """
    import mlflow.pyfunc

    return mlflow.pyfunc.log_model(
        name=name,
        python_model=str(code),
        artifacts=artifacts,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
    )


def load_model(uri: str) -> Any:
    """The python model behind a model URI or local model folder (unwrapped pyfunc)."""
    import mlflow.pyfunc

    return mlflow.pyfunc.load_model(uri).unwrap_python_model()


def load_champion(name: str) -> tuple[Any, str]:
    """``(python model, version)`` of ``name@champion``, or a clear error when there is none."""
    from features.errors import UserError
    from training.datasets import DEMO_CITY, city_of

    configure()
    version = champion_version(name)
    if version is None:
        kind, city = city_of(name) or (name, DEMO_CITY)
        option = "" if city == DEMO_CITY else f" --city {city}"
        known = ", ".join(registered_cities()) or "none"
        raise UserError(
            f"no model {name}@{CHAMPION} yet: train one with `jingqing train {kind} --calls "
            f"FILE{option}` (cities with registered models: {known})"
        )
    return load_model(f"models:/{name}/{version.version}"), str(version.version)
