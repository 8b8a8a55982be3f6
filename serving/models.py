"""Loading the champion models, with a last-known-good local copy for registry outages.

The service serves one city's champions — ``triage@champion`` and ``forecast@champion``
for the demo city, ``triage-<city>`` / ``forecast-<city>`` for another one
(``training.datasets``; ``jingqing serve --city``) — from the MLflow registry that
``training.tracking.configure()`` points at (the project's SQLite store by default,
``MLFLOW_TRACKING_URI`` otherwise). A city without a model of one kind (Houston has no
call texts, so no triage model) serves the other; the missing route says why.

Last-known-good cache (documented behaviour): every successful load copies the champion's
files to ``$JINGQING_HOME/mlruns/serving-cache/<name>/<version>-<hash>/`` and records it in
``<name>/current.json``; the service always loads from that local copy, so registry and
cache share one code path. When the registry cannot be reached (store missing, server
down, artifacts unreadable) the service logs a loud ERROR line and serves the copy named in
``current.json`` — the last champion it successfully loaded — instead of staying down.
When the registry is reachable but has no champion, the cache is *not* used: someone
removed the champion on purpose, so the model stays missing and ``/readyz`` says so. A
missing registry database file counts as unreachable (MLflow would otherwise create an
empty one and report "no champion"), and a downloaded champion becomes the cached copy
only after it has been loaded once, so unreadable artifacts never replace a good copy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_DIRNAME = "serving-cache"
NO_CHAMPION_CODES = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")
KEEP_CACHED_VERSIONS = 2


class ModelUnavailable(Exception):
    """The champion could not be loaded; the message says why and what to do."""


class RegistryUnreachable(Exception):
    """The registry or its artifact store could not be read."""


@dataclass
class LoadedModel:
    """A champion loaded for serving, with where it came from."""

    name: str
    version: str
    model: Any  # the unwrapped python model (``suggest`` / ``forecast``)
    source: str  # "registry" or "last-known-good cache"
    path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The version string answers carry, e.g. ``triage/3``."""
        return f"{self.name}/{self.version}"


def cache_root() -> Path:
    from training.tracking import mlruns_dir

    return mlruns_dir() / CACHE_DIRNAME


def _load_local(path: Path) -> Any:
    from training.tracking import load_model

    return load_model(str(path))


def _resolve_champion(name: str) -> tuple[str, str, str]:
    """(version, source URI, run id) of ``name@champion``.

    Raises:
        ModelUnavailable: the registry answered and has no champion.
        RegistryUnreachable: the registry could not be asked.
    """
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from training.tracking import CHAMPION, configure, tracking_uri

    store = tracking_uri().removeprefix("sqlite:///")
    if tracking_uri().startswith("sqlite:///") and not Path(store).is_file():
        # MLflow would silently create an empty store and report "no champion".
        raise RegistryUnreachable(f"the registry database {store} is missing")
    try:
        uri = configure()
        found = MlflowClient().get_model_version_by_alias(name, CHAMPION)
    except MlflowException as exc:
        if exc.error_code in NO_CHAMPION_CODES:
            raise ModelUnavailable(
                f"no {name}@{CHAMPION} in the registry; "
                f"train one with `jingqing train {name} --calls FILE`"
            ) from exc
        raise RegistryUnreachable(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # sqlite/file/network errors all mean "cannot ask"
        raise RegistryUnreachable(f"{type(exc).__name__}: {exc}") from exc
    log.debug("registry %s: %s@%s is version %s", uri, name, CHAMPION, found.version)
    return str(found.version), str(found.source or ""), str(found.run_id or "")


def _refresh_cache(name: str, version: str, source: str, run_id: str) -> Path:
    """Copy version ``version`` of ``name`` into the cache (once) and mark it current."""
    import mlflow.artifacts

    root = cache_root() / name
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(f"{source}|{run_id}".encode()).hexdigest()[:10]
    target = root / f"{version}-{digest}"
    if not (target / "MLmodel").exists():
        tmp = root / f".download-{uuid.uuid4().hex}"
        try:
            mlflow.artifacts.download_artifacts(
                artifact_uri=f"models:/{name}/{version}", dst_path=str(tmp)
            )
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise RegistryUnreachable(f"cannot download {name} v{version}: {exc}") from exc
        try:  # a copy becomes the last-known-good one only once it is known to load
            _load_local(tmp)
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise RegistryUnreachable(
                f"{name} v{version} from the registry does not load "
                f"({type(exc).__name__}: {exc}); the cached copy was kept"
            ) from exc
        try:
            os.replace(tmp, target)  # atomic: a copy is either complete or absent
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not (target / "MLmodel").exists():
                raise
            # another worker of this service finished the same copy first
    meta = {
        "name": name,
        "version": version,
        "dir": target.name,
        "source": source,
        "run_id": run_id,
        "cached_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    pointer = root / "current.json"
    tmp_pointer = root / f".current-{uuid.uuid4().hex}.json"
    tmp_pointer.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp_pointer, pointer)
    _prune(root, keep=target.name)
    return target


def _prune(root: Path, keep: str) -> None:
    """Keep the current copy and the newest other one (a roll-back target)."""
    others = sorted(
        (
            p
            for p in root.iterdir()
            if p.is_dir() and p.name != keep and not p.name.startswith(".")
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in others[KEEP_CACHED_VERSIONS - 1 :]:
        shutil.rmtree(stale, ignore_errors=True)


def _cached(name: str) -> tuple[dict[str, Any], Path] | None:
    pointer = cache_root() / name / "current.json"
    try:
        meta = json.loads(pointer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = pointer.parent / str(meta.get("dir", ""))
    return (meta, path) if (path / "MLmodel").exists() else None


def load_from_bento(name: str) -> LoadedModel:
    """The champion a Bento was built with (``jingqing bento``), from the BentoML store.

    Raises:
        ModelUnavailable: the model is not in the store.
    """
    import bentoml
    from bentoml.exceptions import NotFound

    from serving.bento import bento_model_tag

    try:
        model = bentoml.models.get(f"{bento_model_tag(name)}:latest")
    except NotFound as exc:
        raise ModelUnavailable(
            f"no {bento_model_tag(name)} in the BentoML model store; build with `jingqing bento`"
        ) from exc
    path = Path(model.path_of("mlflow_model"))
    version = model.info.labels.get("registry_version", str(model.tag.version))
    log.info("loaded %s version %s from the Bento (%s)", name, version, model.tag)
    return LoadedModel(name, version, _load_local(path), "bento", path)


def cached_cities() -> list[str]:
    """Registered model names with a last-known-good copy in the serving cache."""
    root = cache_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "current.json").is_file())


def served_cities() -> dict[str, list[str]] | None:
    """``{city: [kinds]}`` of every city with registered models (or cached copies of
    them), or None when the registry cannot be asked and nothing is cached."""
    from mlflow import MlflowClient

    from training.datasets import known_cities
    from training.tracking import configure, tracking_uri

    names = cached_cities()
    store = tracking_uri().removeprefix("sqlite:///")
    if not tracking_uri().startswith("sqlite:///") or Path(store).is_file():
        try:
            configure()
            names += [m.name for m in MlflowClient().search_registered_models(max_results=1000)]
        except Exception as exc:  # unreachable: the cache (if any) is all we know
            log.warning("registry unreachable while listing cities: %s", exc)
            if not names:
                return None
    return known_cities(sorted(set(names)))


def load_champion(name: str, source: str = "registry", city: str | None = None) -> LoadedModel:
    """Load ``name@champion`` (of ``city``: ``training.datasets.model_name``), falling back
    to the last-known-good copy if needed.

    ``source="bento"`` serves the copy packaged in the Bento instead of asking the registry.

    Raises:
        ModelUnavailable: with a message fit for ``/readyz`` and the log.
    """
    if source == "bento":
        return load_from_bento(name)
    from training.datasets import DEMO_CITY, model_name
    from training.tracking import tracking_uri

    name = model_name(name, city or DEMO_CITY)

    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        version, source, run_id = _resolve_champion(name)
        path = _refresh_cache(name, version, source, run_id)
    except RegistryUnreachable as exc:
        cached = _cached(name)
        if cached is None:
            log.error(
                "MLflow registry %s UNREACHABLE (%s) and no last-known-good copy of %s in %s",
                tracking_uri(),
                exc,
                name,
                cache_root(),
            )
            raise ModelUnavailable(
                f"registry unreachable ({exc}) and no last-known-good copy of {name}"
            ) from exc
        meta, path = cached
        log.error(
            "MLflow registry %s UNREACHABLE (%s): serving LAST-KNOWN-GOOD copy of %s "
            "version %s cached at %s (%s)",
            tracking_uri(),
            exc,
            name,
            meta.get("version"),
            meta.get("cached_at"),
            path,
        )
        model = _load_local(path)
        return LoadedModel(name, str(meta.get("version")), model, "last-known-good cache", path)
    model = _load_local(path)
    log.info("loaded %s@champion version %s from the registry (%s)", name, version, path)
    return LoadedModel(name, version, model, "registry", path)
