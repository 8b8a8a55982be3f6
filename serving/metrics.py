"""Service-specific Prometheus series next to BentoML's request metrics on ``/metrics``.

What operators watch for model health without reading logs: the mix of suggested
categories per model version (a shift hints at drift), how often a suggestion is flagged
for review or urgent, and how often call takers agree with the suggestion. The series are
created on first use, after BentoML has set up its (multi-process) metrics registry.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any


@cache
def _series() -> dict[str, Any]:
    import bentoml

    return {
        "suggestions": bentoml.metrics.Counter(
            name="jingqing_suggestions_total",
            documentation="Triage suggestions served, by category, model version and flags",
            labelnames=["category", "model_version", "review", "urgent"],
        ),
        "feedback": bentoml.metrics.Counter(
            name="jingqing_feedback_total",
            documentation="Feedback stored, by whether the final category kept the suggestion",
            labelnames=["agreed"],
        ),
    }


@lru_cache(maxsize=1024)
def _suggestion_counter(category: str, model_version: str, review: bool, urgent: bool) -> Any:
    """The counter of one label combination, looked up once (a few per model version)."""
    return _series()["suggestions"].labels(
        category=category,
        model_version=model_version,
        review=str(review).lower(),
        urgent=str(urgent).lower(),
    )


def count_suggestion(answer: dict[str, Any]) -> None:
    _suggestion_counter(
        answer["category"], answer["model_version"], bool(answer["review"]), bool(answer["urgent"])
    ).inc()


def count_feedback(suggested: str, final: str) -> None:
    _series()["feedback"].labels(agreed=str(suggested == final).lower()).inc()
