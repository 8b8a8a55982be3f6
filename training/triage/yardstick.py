"""The yardsticks a triage model is judged on, and the champion re-scored on them.

Two kinds: the hand-written sets (never trained on, written independently of the
simulator) and, when a city trains on its own records, the latest 20 % of those records.
Promotion compares the challenger with the current champion *re-scored on the same items*
— a stored score from another run could come from different data (a relabelled set, an
older export) and is never compared.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pandas as pd
from sklearn.metrics import f1_score

from features.errors import UserError

log = logging.getLogger(__name__)

RECORDS_SET = "records"  # the records-voice hand-written set (its held-out half)


def load_handwritten(rules: bool = False) -> dict[str, pd.DataFrame]:
    """Hand-written sets by name: ``evalset`` (handwritten_v1) and, when it is installed,
    the held-out half of the records-voice set as ``records``.

    ``rules``: the records are judged by the live-text rules' label (``rule_category``)
    instead of the police coding's map label, which is kept as ``map_category`` — the
    label a model that never saw a city's codes (the simulated-only one) is meant to give
    (training/evalset/README.md, "Which label is right").

    Raises:
        UserError: the evaluation package is missing or a set lacks text/category.
    """
    try:
        from training import evalset
    except ImportError:
        raise UserError(
            "the hand-written evaluation set (training.evalset) is not installed; "
            "it is the fixed yardstick for promotion"
        ) from None
    sets = {"evalset": evalset.load_evalset()}
    records = records_split("holdout")
    if records is not None:
        if rules and "rule_category" in records.columns:
            records = records.assign(
                map_category=records["category"], category=records["rule_category"]
            )
        sets[RECORDS_SET] = records
    for name, frame in sets.items():
        if "text" not in frame.columns or "category" not in frame.columns:
            raise UserError(f"evaluation set {name!r} lacks 'text'/'category' columns")
    return {k: v.reset_index(drop=True) for k, v in sets.items()}


def records_split(split: str) -> pd.DataFrame | None:
    """One half of the records-voice hand-written set (``"city"``: a city's export that
    may be trained on; ``"holdout"``: never trained on), or None when it is not installed."""
    try:
        from training.evalset import load_records
    except ImportError:
        return None
    return load_records(split=split).reset_index(drop=True)


def map_label_metrics(
    model, frame: pd.DataFrame | None, name: str = RECORDS_SET
) -> dict[str, float]:
    """Macro-F1 and accuracy of ``model`` on ``frame``'s ``map_category`` (the police
    coding's label), beside the rules' label it is judged on; empty without that column."""
    if frame is None or "map_category" not in frame.columns:
        return {}
    pred = model.score(frame["text"].astype(str).tolist())["category"]
    y = frame["map_category"].astype(str).to_numpy(dtype=object)
    labels = sorted(set(y) | {str(p) for p in pred})
    return {
        f"{name}_map_macro_f1": float(f1_score(y, pred, average="macro", labels=labels)),
        f"{name}_map_accuracy": float((pred == y).mean()),
    }


def fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of a yardstick's texts and categories (tagged on every registered version)."""
    digest = hashlib.sha256()
    for text, category in zip(frame["text"], frame["category"], strict=True):
        digest.update(f"{text}\x1f{category}\x1e".encode())
    return digest.hexdigest()


def macro_f1(model, frame: pd.DataFrame) -> float:
    """Macro-F1 of ``model`` on ``frame`` over the labels either side uses."""
    pred = model.score(frame["text"].astype(str).tolist())["category"]
    y = frame["category"].astype(str).to_numpy(dtype=object)
    labels = sorted(set(y) | {str(p) for p in pred})
    return float(f1_score(y, pred, average="macro", labels=labels))


def rescore_champion(
    name: str, frame: pd.DataFrame, dataset: str | None = None
) -> tuple[float | None, str]:
    """The current champion's macro-F1 on ``frame`` and a note of what happened.

    None when there is no champion yet, when it belongs to another data set than
    ``dataset`` (another source or label coding: promotion keeps the challenger then), or
    when it cannot be loaded (then the challenger is compared with nothing and the note
    says why).
    """
    import mlflow

    from training import tracking
    from training.datasets import DATASET_TAG, other_dataset_reason
    from training.triage.pyfunc import ARTIFACT_FILE, load_model_file

    version = tracking.champion_version(name)
    if version is None:
        return None, "no champion yet"
    if other_dataset_reason(version.tags.get(DATASET_TAG), dataset):
        return None, f"champion v{version.version} is of another data set; not re-scored"
    try:
        local = mlflow.artifacts.download_artifacts(f"models:/{name}/{version.version}")
        path = next(Path(local).rglob(ARTIFACT_FILE))
        champion = load_model_file(path)
        value = macro_f1(champion, frame)
    except Exception as exc:  # an unloadable champion must not stop training
        log.warning("champion v%s could not be re-scored: %s", version.version, exc)
        return (
            None,
            f"champion v{version.version} could not be re-scored ({exc.__class__.__name__})",
        )
    return value, f"champion v{version.version} re-scored on the same {len(frame):,} records"
