"""The one typed configuration of the triage pipeline.

Defaults live here; a YAML file (``--config``) overrides any subset. Unknown keys are an
error (``extra="forbid"``) so a typo never silently trains with a default. The resolved
config is logged to MLflow with every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from features.errors import UserError

Candidate = Literal["logreg", "linear_svm", "lightgbm"]


class TriageConfig(BaseModel):
    """Everything that shapes a triage model, with the reason for each default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    # Time-based hold-out: the most recent share of the calls is never trained on.
    holdout_fraction: float = Field(0.15, gt=0.0, lt=0.5)
    # Simulated cities repeat their phrasing; beyond ~50k calls accuracy stops moving while
    # training time keeps growing, so a random sample of the training part is used.
    max_train_rows: int | None = Field(50_000, ge=100)
    # Model choice by cross-validated macro-F1 on a sample (keeps `train` under 3 minutes).
    candidates: tuple[Candidate, ...] = ("logreg", "linear_svm", "lightgbm")
    cv_folds: int = Field(3, ge=2, le=10)
    cv_sample: int = Field(12_000, ge=100)
    # Simulated calls tell each event with a few hundred hand-written clauses; when the
    # calls carry this column (the simulator writes ``phrasing``), folds are grouped on it
    # so every validation fold holds only wordings never seen in training — the only CV
    # figure that predicts how the model does on new wording. Real data has no such column
    # and falls back to stratified folds. Empty string: never group.
    group_column: str = "phrasing"
    # Training-time text noise (training folds and the final fit only): noisy copies per
    # text, per-character noise rate, chance of masking the most class-revealing word.
    augment_copies: int = Field(0, ge=0, le=4)
    augment_rate: float = Field(0.08, ge=0.0, le=0.5)
    augment_mask: float = Field(0.5, ge=0.0, le=1.0)
    class_weight: Literal["none", "balanced"] = "none"
    # Text features; vocabularies are capped so the saved model stays small and fast.
    word_ngram_max: int = Field(2, ge=1, le=3)
    word_min_df: int = Field(2, ge=1)
    word_max_features: int = Field(40_000, ge=100)
    char_ngram_min: int = Field(1, ge=1, le=3)
    char_ngram_max: int = Field(3, ge=1, le=5)
    char_min_df: int = Field(3, ge=1)
    char_max_features: int = Field(60_000, ge=100)
    sublinear_tf: bool = True
    cue_weight: float = Field(0.5, ge=0.0)
    # Candidates.
    logreg_c: float = Field(8.0, gt=0.0)
    svm_c: float = Field(0.3, gt=0.0)
    lgbm_features: int = Field(3_000, ge=10)
    lgbm_estimators: int = Field(150, ge=10)
    lgbm_leaves: int = Field(31, ge=4)
    lgbm_learning_rate: float = Field(0.1, gt=0.0, le=1.0)
    # Routing and urgency models (logistic regression on text + category probabilities).
    router_c: float = Field(4.0, gt=0.0)
    probability_weight: float = Field(1.0, ge=0.0)
    urgent_c: float = Field(4.0, gt=0.0)
    # Urgent threshold: lowest score that keeps this recall on the evaluation set.
    urgent_recall: float = Field(0.95, gt=0.0, le=1.0)
    urgent_guard: bool = True
    # Suggestions below this confidence are flagged for a human look. Chosen from the
    # trade-off the evaluation report logs (review_share_at_T, review_error_capture_at_T):
    # on the hand-written set 0.8 sends ~22% of calls to review and they hold ~52% of the
    # mistakes (0.6: 9% holding 18%; 0.9: 31% holding 70%).
    review_below: float = Field(0.8, ge=0.0, le=1.0)
    keywords: int = Field(5, ge=0, le=20)
    calibration_bins: int = Field(10, ge=5, le=30)

    @model_validator(mode="after")
    def _check_ranges(self) -> TriageConfig:
        if self.char_ngram_min > self.char_ngram_max:
            raise ValueError("char_ngram_min must not exceed char_ngram_max")
        if not self.candidates:
            raise ValueError("candidates must name at least one model")
        return self

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: object) -> TriageConfig:
        """Defaults, then the YAML file (if any), then keyword overrides.

        Raises:
            UserError: the file is missing, is not YAML, or sets an unknown/invalid key.
        """
        values: dict[str, object] = {}
        if path is not None:
            import yaml

            p = Path(path)
            if not p.is_file():
                raise UserError(f"--config {p}: file not found")
            try:
                loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise UserError(
                    f"--config {p}: not valid YAML ({exc.__class__.__name__})"
                ) from None
            if not isinstance(loaded, dict):
                raise UserError(f"--config {p}: expected a mapping of option: value")
            values.update(loaded)
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "config"
            raise UserError(f"triage config: {where}: {first['msg']}") from None
