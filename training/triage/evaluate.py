"""How good a triage model is, in the terms call takers and their supervisors use.

Category quality (accuracy, macro-F1, per-class precision/recall, confusion matrix), how
literally "confidence" can be read (expected calibration error, reliability plot), how
many urgent calls are caught and what that costs in false alarms, routing accuracy, and
how well the review flag gathers the mistakes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from features.triage_model import TriageModel

REVIEW_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def expected_calibration_error(
    proba: np.ndarray, y_true, classes, bins: int = 10
) -> tuple[float, pd.DataFrame]:
    """ECE of the top-class confidence, with the per-bin table behind it.

    Equal-width bins over [0, 1]; ECE = Σ (n_bin / n) · |accuracy_bin − confidence_bin|.
    """
    classes = np.asarray(classes, dtype=object)
    top = proba.argmax(axis=1)
    conf = proba[np.arange(len(top)), top]
    correct = classes[top] == np.asarray(y_true, dtype=object)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    rows = []
    ece = 0.0
    for b in range(bins):
        sel = which == b
        n = int(sel.sum())
        acc = float(correct[sel].mean()) if n else np.nan
        mean_conf = float(conf[sel].mean()) if n else np.nan
        if n:
            ece += n / len(conf) * abs(acc - mean_conf)
        rows.append(
            {"lo": edges[b], "hi": edges[b + 1], "n": n, "accuracy": acc, "conf": mean_conf}
        )
    return float(ece), pd.DataFrame(rows)


def urgent_threshold(scores: np.ndarray, y_true: np.ndarray, recall: float) -> float:
    """Highest threshold whose recall (score ≥ threshold) is at least ``recall``.

    The highest such threshold is the one that costs the least precision. With no urgent
    examples there is nothing to choose from, and 0.5 is returned.
    """
    y = np.asarray(y_true, dtype=bool)
    positives = np.sort(np.asarray(scores, dtype=float)[y])[::-1]
    if positives.size == 0:
        return 0.5
    need = int(np.ceil(recall * positives.size))
    return float(positives[max(need, 1) - 1])


def binary_pr(pred: np.ndarray, y_true: np.ndarray) -> tuple[float, float]:
    """Precision and recall of boolean predictions (NaN when undefined)."""
    pred = np.asarray(pred, dtype=bool)
    y = np.asarray(y_true, dtype=bool)
    tp = float((pred & y).sum())
    precision = tp / pred.sum() if pred.sum() else float("nan")
    recall = tp / y.sum() if y.sum() else float("nan")
    return precision, recall


def evaluate_frame(
    model: TriageModel,
    frame: pd.DataFrame,
    *,
    bins: int,
    outdir: Path,
    name: str,
    scored: dict | None = None,
) -> tuple[dict[str, float], dict[str, Path], dict[str, dict[str, int]]]:
    """Score ``frame`` (text + labels): metrics ``{name}_...``, plot paths, confusion table.

    ``scored``: ``model.score`` of the frame's texts when the caller has it already."""
    if scored is None:
        scored = model.score(frame["text"].tolist())
    classes = model.classes
    y = frame["category"].astype(str).to_numpy(dtype=object)
    pred = scored["category"]
    labels = sorted(set(classes) | set(y))
    m: dict[str, float] = {
        f"{name}_n": float(len(frame)),
        f"{name}_accuracy": float(accuracy_score(y, pred)),
        f"{name}_macro_f1": float(f1_score(y, pred, average="macro", labels=labels)),
    }
    p, r, f, _ = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    for label, pi, ri, fi in zip(labels, p, r, f, strict=True):
        m[f"{name}_precision_{label}"] = float(pi)
        m[f"{name}_recall_{label}"] = float(ri)
        m[f"{name}_f1_{label}"] = float(fi)
    ece, table = expected_calibration_error(scored["proba"], y, classes, bins)
    m[f"{name}_ece"] = ece
    m[f"{name}_mean_confidence"] = float(np.mean(scored["confidence"]))
    if "candidates" in scored:
        sets = scored["candidates"]
        truth = np.array([classes.index(v) if v in classes else -1 for v in y])
        hit = np.where(truth >= 0, sets[np.arange(len(y)), np.maximum(truth, 0)], False)
        m[f"{name}_candidates_coverage"] = float(hit.mean())
        m[f"{name}_candidates_mean_size"] = float(sets.sum(axis=1).mean())
    if "shift" in scored:
        m[f"{name}_mean_shift"] = float(np.mean(scored["shift"]))

    wrong = pred != y
    review = scored["review"]
    m[f"{name}_review_share"] = float(review.mean())
    m[f"{name}_review_error_capture"] = float(review[wrong].mean()) if wrong.any() else 1.0
    m[f"{name}_accuracy_not_reviewed"] = (
        float((~wrong[~review]).mean()) if (~review).any() else float("nan")
    )

    # The trade-off behind ``review_below``: share of calls sent to review, and share of
    # the mistakes they hold, at a few candidate thresholds.
    for t in REVIEW_GRID:
        flagged = scored["confidence"] < t
        m[f"{name}_review_share_at_{t:g}"] = float(flagged.mean())
        m[f"{name}_review_error_capture_at_{t:g}"] = (
            float(flagged[wrong].mean()) if wrong.any() else 1.0
        )

    if "urgent" in frame.columns and frame["urgent"].notna().all():
        yu = frame["urgent"].astype(bool).to_numpy()
        prec, rec = binary_pr(scored["urgent"], yu)
        m[f"{name}_urgent_precision"] = prec
        m[f"{name}_urgent_recall"] = rec
        if "urgency" in scored:  # the tiers' figures (training.triage.urgency)
            from training.triage.urgency import tier_metrics

            m |= {k: v for k, v in tier_metrics(scored["urgency"], yu, name).items() if k not in m}
        gp, gr = binary_pr(scored["urgent_guard"], yu)
        m[f"{name}_urgent_guard_fires"] = float(scored["urgent_guard"].mean())
        m[f"{name}_urgent_guard_precision"] = gp
    if "disposition" in frame.columns and model.disposition is not None:
        yd = frame["disposition"].astype(str).to_numpy(dtype=object)
        m[f"{name}_disposition_accuracy"] = float((scored["disposition"] == yd).mean())
        diverted = yd == "divert"
        if diverted.any() and "divert_to" in frame.columns:
            yt = frame["divert_to"].astype(str).to_numpy(dtype=object)[diverted]
            m[f"{name}_divert_to_accuracy"] = float(
                (scored["divert_to_any"][diverted] == yt).mean()
            )
            m[f"{name}_route_accuracy"] = float(
                (
                    (scored["disposition"] == yd)
                    & ((yd != "divert") | (scored["divert_to"] == frame["divert_to"].astype(str)))
                ).mean()
            )

    outdir.mkdir(parents=True, exist_ok=True)
    plots = {
        "confusion": plot_confusion(y, pred, labels, outdir / f"{name}_confusion.png", name),
        "reliability": plot_reliability(table, ece, outdir / f"{name}_reliability.png", name),
    }
    return m, plots, confusion_table(y, pred, labels)


def plot_confusion(y_true, y_pred, labels: list[str], path: Path, title: str) -> Path:
    """Confusion matrix with counts, rows = true label (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = confusion_matrix(y_true, y_pred, labels=labels)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if cm[i, j] > cm.max() / 2 else "black"
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color=color)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"triage confusion — {title}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_reliability(table: pd.DataFrame, ece: float, path: Path, title: str) -> Path:
    """Reliability diagram: accuracy per confidence bin against the diagonal (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfectly calibrated")
    used = table[table["n"] > 0]
    ax.bar(
        used["lo"],
        used["accuracy"],
        width=used["hi"] - used["lo"],
        align="edge",
        alpha=0.6,
        edgecolor="black",
        label="accuracy in bin",
    )
    ax.plot(used["conf"], used["accuracy"], "o-", color="C1", label="mean confidence")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top-class probability)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"reliability — {title} (ECE {ece:.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def confusion_table(y_true, y_pred, labels: list[str]) -> dict[str, dict[str, int]]:
    """Confusion matrix as nested dicts (true → predicted → count), for JSON reports."""
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    return {t: {p: int(cm[i, j]) for j, p in enumerate(labels)} for i, t in enumerate(labels)}
