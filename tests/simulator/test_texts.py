"""Contract, determinism, diversity and calibration of the simulated call texts."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from features.labels import CATEGORIES, DISPOSITIONS, DIVERT_TO
from training.simulator.text_fragments.pii import id_check_digit, luhn_ok
from training.simulator.texts import GRID_KINDS, VOICES, CallText, TextGenerator

# Simao shares (TAXONOMY.md): calls per category and transferred per category.
SIMAO_CALLS = {
    "criminal": 327,
    "public_order": 459,
    "dispute": 1286,
    "assistance": 2239,
    "non_police": 735,
}
SIMAO_TRANSFERRED = {
    "criminal": 299,
    "public_order": 412,
    "dispute": 195,
    "assistance": 131,
    "non_police": 51,
}
_ID_RE = re.compile(r"^\d{17}[\dX]$")


@pytest.fixture(scope="module")
def gen() -> TextGenerator:
    return TextGenerator()


@pytest.fixture(scope="module")
def per_category(gen: TextGenerator) -> dict[str, list[CallText]]:
    """50,000 calls of each category (default hour and grid kind)."""
    out = {}
    for i, category in enumerate(CATEGORIES):
        rng = np.random.default_rng(100 + i)
        out[category] = [gen.sample(category, rng) for _ in range(50_000)]
    return out


@pytest.fixture(scope="module")
def mixed(gen: TextGenerator) -> list[CallText]:
    """50,000 calls with the Simao category mix, varied hours and grid kinds."""
    rng = np.random.default_rng(0)
    cats = list(SIMAO_CALLS)
    p = np.array([SIMAO_CALLS[c] for c in cats], dtype=float)
    p /= p.sum()
    drawn = rng.choice(len(cats), size=50_000, p=p)
    hours = rng.integers(0, 24, size=50_000)
    grids = rng.integers(0, len(GRID_KINDS), size=50_000)
    return [
        gen.sample(cats[c], rng, hour=int(h), grid_kind=GRID_KINDS[g])
        for c, h, g in zip(drawn, hours, grids, strict=True)
    ]


def test_labels_are_valid_and_consistent(mixed: list[CallText]) -> None:
    # Given a mixed sample, then every label is in the vocabulary and routing is consistent
    for call in mixed:
        assert call.category in CATEGORIES
        assert call.disposition in DISPOSITIONS
        assert call.voice in VOICES
        assert call.text
        if call.disposition == "divert":
            assert call.divert_to in DIVERT_TO
            assert not call.urgent
        else:
            assert call.divert_to == ""


def test_every_voice_appears_in_roughly_the_planned_mix(mixed: list[CallText]) -> None:
    shares = Counter(c.voice for c in mixed)
    assert abs(shares["record"] / len(mixed) - 0.45) < 0.03
    assert abs(shares["note"] / len(mixed) - 0.30) < 0.03
    assert abs(shares["speech"] / len(mixed) - 0.25) < 0.03


def test_pii_is_verbatim_and_valid(mixed: list[CallText]) -> None:
    with_pii = [c for c in mixed if c.pii]
    assert 0.10 < len(with_pii) / len(mixed) < 0.22
    kinds = Counter()
    for call in with_pii:
        for value in call.pii:
            assert value in call.text
            if _ID_RE.match(value):
                kinds["id"] += 1
                assert id_check_digit(value[:17]) == value[17]
            elif re.fullmatch(r"\d{4}( \d{1,4})+|\d{16,19}", value):
                kinds["card"] += 1
                assert luhn_ok(value)
    assert kinds["id"] > 50 and kinds["card"] > 50


def test_sampling_is_deterministic_by_seed(gen: TextGenerator) -> None:
    def draw(seed: int) -> list[CallText]:
        rng = np.random.default_rng(seed)
        return [
            gen.sample(c, rng, hour=h, grid_kind=g)
            for c in CATEGORIES
            for h, g in ((3, "nightlife"), (12, "residential"))
        ]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


def test_place_given_by_the_city_is_used(gen: TextGenerator) -> None:
    rng = np.random.default_rng(1)
    calls = [gen.sample("dispute", rng, place="解放路万达广场") for _ in range(200)]
    assert sum("解放路万达广场" in c.text for c in calls) > 150


def test_grid_kind_and_hour_shift_the_subtypes(gen: TextGenerator) -> None:
    rng = np.random.default_rng(2)
    night = Counter(
        gen.sample("public_order", rng, hour=23, grid_kind="nightlife").subtype
        for _ in range(2000)
    )
    noon = Counter(
        gen.sample("public_order", rng, hour=10, grid_kind="commercial").subtype
        for _ in range(2000)
    )
    assert night["drunk_trouble"] > 2 * noon["drunk_trouble"]
    village = Counter(gen.sample("dispute", rng, grid_kind="village").subtype for _ in range(2000))
    assert village["land_dispute"] > 100


def test_mixed_sample_is_diverse(mixed: list[CallText]) -> None:
    assert len({c.text for c in mixed}) / len(mixed) >= 0.60


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_is_diverse(
    gen: TextGenerator, per_category: dict[str, list[CallText]], category: str
) -> None:
    assert len(gen.subtypes(category)) >= 12
    calls = per_category[category][:10_000]
    assert len({c.text for c in calls}) >= 5_000
    assert {c.subtype for c in calls} == set(gen.subtypes(category))


@pytest.mark.parametrize("category", CATEGORIES)
def test_transfer_share_matches_simao(
    per_category: dict[str, list[CallText]], category: str
) -> None:
    calls = per_category[category]
    share = sum(c.disposition == "transfer" for c in calls) / len(calls)
    target = SIMAO_TRANSFERRED[category] / SIMAO_CALLS[category]
    assert abs(share - target) <= 0.04
    assert not any(c.urgent and c.disposition == "divert" for c in calls)


def test_urgent_share_is_plausible(mixed: list[CallText]) -> None:
    urgent = [c for c in mixed if c.urgent]
    assert 0.06 <= len(urgent) / len(mixed) <= 0.14
    by_cat = Counter(c.category for c in urgent)
    assert by_cat["criminal"] + by_cat["assistance"] > len(urgent) / 2


def test_routing_shares_of_disputes_assistance_and_non_police(
    per_category: dict[str, list[CallText]],
) -> None:
    def share(category: str, disposition: str) -> float:
        calls = per_category[category]
        return sum(c.disposition == disposition for c in calls) / len(calls)

    assert abs(share("dispute", "on_scene") - 0.80) < 0.05
    assert abs(share("dispute", "divert") - 0.05) < 0.02
    assert abs(share("assistance", "on_scene") - 0.90) < 0.04
    assert 0.02 < share("assistance", "divert") < 0.06
    assert abs(share("non_police", "divert") - 0.85) < 0.04
    targets = {c.divert_to for c in per_category["non_police"] if c.disposition == "divert"}
    assert {"utility", "city_management", "12345", "122", "property", "none"} <= targets


def test_unknown_category_is_rejected(gen: TextGenerator) -> None:
    with pytest.raises(ValueError, match="unknown category"):
        gen.sample("traffic", np.random.default_rng(0))


@pytest.mark.parametrize(
    "id_number", ["11010519491231002X", "440305199003071236", "530802198512010015"]
)
def test_id_check_digit_table(id_number: str) -> None:
    # Given valid PRC ID numbers (the first is the standard's own example)
    assert id_check_digit(id_number[:17]) == id_number[17]


@pytest.mark.parametrize(
    ("number", "ok"),
    [("4111111111111111", True), ("4111 1111 1111 1111", True), ("4111111111111112", False)],
)
def test_luhn_table(number: str, ok: bool) -> None:
    assert luhn_ok(number) is ok


@pytest.mark.parametrize(
    ("category", "subtype"),
    [
        ("criminal", "domestic_violence_injury"),  # family quarrel with a real wound
        ("dispute", "family_quarrel"),  # no injury
        ("public_order", "fight_no_injury"),
        ("public_order", "party_noise"),  # strangers
        ("dispute", "neighbour_noise"),  # a neighbour's everyday noise
        ("assistance", "drunk_lying"),
        ("public_order", "drunk_trouble"),
        ("public_order", "fraud_attempt"),  # nothing lost
        ("criminal", "telecom_fraud"),  # money lost
    ],
)
def test_hard_cases_sit_in_their_taxonomy_category(
    gen: TextGenerator, category: str, subtype: str
) -> None:
    assert subtype in gen.subtypes(category)


def test_generators_share_one_build_and_agree(gen: TextGenerator) -> None:
    other = TextGenerator()
    a = [gen.sample("criminal", np.random.default_rng(3)) for _ in range(3)]
    b = [other.sample("criminal", np.random.default_rng(3)) for _ in range(3)]
    assert a == b
