"""Drift injected with the simulator's text generator: the monitor's proof cases.

Each scenario is a week of labelled calls written by ``TextGenerator`` with the city's
category shares, changed in one way a real city changes: a new fraud script spreading, a
new district (place names no training call holds), a Spring-Festival week (fireworks,
family quarrels, drunk trouble), call takers writing notes in a new template. ``quiet`` is
an unchanged week: a new seed, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from training.simulator.sample import CITY_SHARES

SCENARIOS = ("quiet", "fraud_wave", "new_district", "holiday_week", "new_note_style")
FRAUD = {"criminal": ("telecom_fraud", "online_fraud", "online_gambling_fraud")}
HOLIDAY = {
    "public_order": ("fireworks", "drunk_trouble", "gambling"),
    "dispute": ("family_quarrel", "debt_dispute"),
}
NEW_PLACES = (  # a district that did not exist when the model was trained
    "澜湄新区曼听傣寨",
    "普洱港物流园三期",
    "茶马古镇游客中心",
    "翠湖湾安置小区",
    "滨江智慧产业园",
    "勐腊口岸货运站",
)


def _note_style(text: str) -> str:
    """A new note template: bracketed fields, ASCII punctuation, an action line."""
    body = text.replace("，", ",").replace("。", ";").replace("：", ":")
    return f"【事由】{body}【要求】速派警力核实处置【回访】需要"


def _calls_of(gen, rng, n: int, mix: dict[str, float], *, wanted=None, place=None):
    from training.simulator.texts import GRID_KINDS

    cats = np.array(list(mix))
    p = np.array(list(mix.values()), dtype=float)
    rows = []
    for cat in rng.choice(cats, size=n, p=p / p.sum()):
        cat = str(cat)
        for _ in range(200):  # rejection sampling of the wanted sub-types
            call = gen.sample(
                cat,
                rng,
                hour=int(rng.integers(24)),
                grid_kind=str(rng.choice(GRID_KINDS)),
                place=None if place is None else str(rng.choice(place)),
            )
            if wanted is None or call.subtype in wanted.get(cat, (call.subtype,)):
                break
        rows.append(
            {
                "text": call.text,
                "category": call.category,
                "disposition": call.disposition,
                "urgent": call.urgent,
                "subtype": call.subtype,
            }
        )
    return rows


def scenario_calls(
    name: str, n: int = 700, seed: int = 0, start: str = "2026-06-01", wave_share: float = 0.25
) -> pd.DataFrame:
    """One week (``n`` calls, times spread over 7 days) of scenario ``name``."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)}")
    gen = _generator()
    rng = np.random.default_rng(seed)
    mix = dict(CITY_SHARES)
    restyle: Callable[[str], str] | None = None
    n_wave = int(round(n * wave_share)) if name in ("fraud_wave", "holiday_week") else 0
    rows = _calls_of(
        gen, rng, n - n_wave, mix, place=NEW_PLACES if name == "new_district" else None
    )
    if name == "fraud_wave":
        rows += _calls_of(gen, rng, n_wave, {"criminal": 1.0}, wanted=FRAUD)
    elif name == "holiday_week":
        rows += _calls_of(gen, rng, n_wave, {"public_order": 0.6, "dispute": 0.4}, wanted=HOLIDAY)
    elif name == "new_note_style":
        restyle = _note_style
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    if restyle is not None:
        frame["text"] = frame["text"].map(restyle)
    offsets = np.sort(rng.uniform(0, 7 * 24 * 3600, size=len(frame)))
    frame["received_at"] = pd.Timestamp(start, tz="Asia/Shanghai") + pd.to_timedelta(
        offsets, unit="s"
    )
    frame["call_id"] = [f"{name}-{seed}-{i:05d}" for i in range(len(frame))]
    return frame


@cache
def _generator():
    from training.simulator.texts import TextGenerator

    return TextGenerator()


def calls_from_intensity(
    grid_ids: list[str], hours: pd.DatetimeIndex, mu: np.ndarray, seed: int = 0
) -> pd.DataFrame:
    """Calls (``grid_id``, ``received_at``) drawn as Poisson counts of ``mu`` (grids × hours),
    each at a random minute of its hour: a realised week of a known intensity."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(np.asarray(mu, dtype=float))
    g, h = np.nonzero(counts)
    reps = counts[g, h]
    g, h = np.repeat(g, reps), np.repeat(h, reps)
    minutes = pd.to_timedelta(rng.uniform(0, 3600, size=len(h)), unit="s")
    return pd.DataFrame(
        {"grid_id": np.asarray(grid_ids, dtype=object)[g], "received_at": hours[h] + minutes}
    ).sort_values("received_at", ignore_index=True)
