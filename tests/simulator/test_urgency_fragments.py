"""Urgent and calm clauses of the simulator: enough of each, and only on calls so labelled."""

from __future__ import annotations

import numpy as np
import pytest

from training.simulator.text_fragments import urgency_calm, urgency_now
from training.simulator.texts import TextGenerator

EXTENDED = {
    "criminal": (urgency_now.CRIMINAL, urgency_calm.CRIMINAL),
    "public_order": (urgency_now.PUBLIC_ORDER, urgency_calm.PUBLIC_ORDER),
    "assistance": (urgency_now.ASSISTANCE, urgency_calm.ASSISTANCE),
}


@pytest.mark.parametrize("kind", [*urgency_now.KINDS, *urgency_calm.KINDS])
def test_every_kind_says_it_in_at_least_15_ways_per_voice(kind: str) -> None:
    clauses = {**urgency_now.KINDS, **urgency_calm.KINDS}[kind]
    assert len(clauses) == 2  # records/notes and speech
    for voice, items in clauses.items():
        assert len(set(items)) >= 15, (kind, voice)
        assert all(item and " " not in item for item in items)


@pytest.fixture(scope="module")
def extended_calls() -> list:
    gen = TextGenerator()
    rng = np.random.default_rng(5)
    calls = []
    for category, modules in EXTENDED.items():
        names = sorted({name for module in modules for name in module})
        for name in names:
            calls += [gen.sample(category, rng, subtype=name) for _ in range(120)]
    return calls


def test_urgent_clauses_appear_only_on_urgent_calls_and_calm_ones_only_on_calm(extended_calls):
    # Given calls of every sub-type the two modules extend, in the records and notes voices
    # (speech is rewritten with fillers and slips, so its clauses are not found verbatim)
    urgent_words = {c for kind in urgency_now.KINDS.values() for c in kind["ur"]}
    calm_words = {c for kind in urgency_calm.KINDS.values() for c in kind["cr"]}
    written = [c for c in extended_calls if c.voice != "speech"]
    with_urgent = [c for c in written if any(w in c.text for w in urgent_words)]
    with_calm = [c for c in written if any(w in c.text for w in calm_words)]
    # then both kinds are written, and each only where the label says so
    assert len(with_urgent) > 100 and len(with_calm) > 100
    assert all(c.urgent for c in with_urgent)
    assert not any(c.urgent for c in with_calm)


def test_ongoing_domestic_violence_can_be_urgent_and_is_never_diverted(extended_calls):
    violence = [c for c in extended_calls if c.subtype == "domestic_violence"]
    share = np.mean([c.urgent for c in violence])
    assert 0.05 <= share <= 0.3
    assert not any(c.urgent and c.disposition == "divert" for c in violence)
