"""Where does the simulated city's gap to the oracle go?

The oracle of ``run.py`` (``intensity.parquet``) is the simulator's mean of each grid-hour
given *everything up to that hour*: that day's weather and rain, one-off events, and the
near-repeat excitation of calls that came after the forecast was made. A forecast made at
the origin for the week ahead can know none of them. This benchmark rebuilds the
simulator's pieces from the same seed streams (checked: the rebuilt oracle equals the
stored one) and scores, on the four reported folds, oracles that know less and less:

1. ``oracle``: the stored truth;
2. ``no calls after the origin``: the true background, the self-excitation carried forward
   in expectation from the calls before the origin (what a Hawkes model with the true
   parameters would forecast);
3. ``+ weather unknown``: the city-wide AR(1) weather multiplier at its expectation given
   the day before the origin;
4. ``+ rain unknown``: the rainy-day chain at its Markov expectation given the day before;
5. ``origin oracle``: + one-off events (concerts, fairs, banquets) at their average effect
   for the grid's kind and hour of day, market days and the night market kept (they are
   on a calendar). This is the best forecast anyone could make at the origin, with the true
   parameters of the world.

LightGBM's and grid-rhythm's excess over (5) is the models' own error; the rest of the gap
to (1) is what nothing made at the origin can see. The excess is broken down by lead day,
by grid kind and by how busy a grid is. The blend weight of LightGBM and grid-rhythm is
chosen on the selection folds (the four weeks before the reported ones), as in
``headroom.py``, whose cached fold predictions this reuses.

    .venv/bin/python benchmarks/forecast/oracle_gap.py

Writes benchmarks/results/forecast_oracle_gap.json and prints a Markdown table.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys

import numpy as np
import pandas as pd

# headroom (beside this script) puts the repository on sys.path and sets the OpenMP policy
from headroom import (  # noqa: E402
    HORIZON,
    RESULTS,
    WEIGHTS,
    model_mean,
    report_cutoffs,
    selection_cutoffs,
    weight_curve,
)

from training.forecast.metrics import poisson_deviance  # noqa: E402

GRIDS, DAYS, SEED, START = 51, 365, 0, dt.date(2025, 1, 1)
PHI, SD = 0.7, 0.07  # the simulator's weather AR(1) (``intensity._weather``)
STAGES = (
    "oracle",
    "no calls after the origin",
    "+ weather unknown",
    "+ rain unknown",
    "origin oracle (+ one-off events unknown)",
)


def rebuild():
    """The simulator's pieces for the benchmark city, from its own seed streams."""
    from training.simulator import intensity as sim
    from training.simulator.city import build_city

    streams = np.random.SeedSequence([SEED, 2]).spawn(5)
    rng_int, rng_exc = (np.random.default_rng(s) for s in streams[:2])
    city = build_city(GRIDS, SEED)
    inten = sim.build_intensity(city, START, DAYS, rng_int)
    first_calls, citizen = sim.excite(inten.background, inten.eta, rng_exc)
    # the same stream again: build_intensity draws the weather first, then the events
    rng = np.random.default_rng(streams[0])
    dates = pd.date_range(START, periods=DAYS, freq="D")
    ar, rain, pi = sim._weather(DAYS, dates.day_of_year.to_numpy(), rng)
    events = sim._events(city, DAYS * 24, dates.day_of_week.to_numpy(), rng)
    kinds = city.kinds
    dry = np.array([sim._RAIN[k] for k in kinds])
    rain_factor = np.where(rain[:, None], dry[None, :], 1.0) / (1 - pi[:, None] * (1 - dry))
    day = np.arange(DAYS * 24) // 24
    shocks = (ar[:, None] * rain_factor)[day] * events
    smooth = inten.background / shocks
    recurring = recurring_events(city, events, dates)
    return {
        "city": city,
        "sim": sim,
        "background": inten.background,
        "smooth": smooth,
        "eta": inten.eta,
        "first_calls": first_calls,
        "citizen": citizen,
        "ar": ar,
        "rain": rain,
        "pi": pi,
        "dry": dry,
        "events": events,
        "recurring": recurring,
        "hours": inten.hours,
    }


def recurring_events(city, events: np.ndarray, dates: pd.DatetimeIndex) -> np.ndarray:
    """The calendar part of the event multipliers: village market days (every 5 or 6 days,
    08-14 h, x1.5, the phase found from the multipliers) and the busiest commercial grid's
    Saturday night market (18-23 h, x1.4); the rest of ``events`` is one-off."""
    out = np.ones_like(events)
    n_days = len(dates)
    for g, kind in enumerate(city.kinds):
        if kind != "village":
            continue
        period = 5 + (g % 2)
        phase = next(
            p
            for p in range(period)
            if all(
                events[d * 24 + 8 : d * 24 + 14, g].min() >= 1.5 - 1e-9
                for d in range(p, n_days, period)
            )
        )
        for d in range(phase, n_days, period):
            out[d * 24 + 8 : d * 24 + 14, g] *= 1.5
    commercial = np.flatnonzero(city.kinds == "commercial")
    if len(commercial):
        g = commercial[np.argmax(city.base_rates[commercial])]
        for d in np.flatnonzero(dates.day_of_week.to_numpy() == 5):
            out[d * 24 + 18 : d * 24 + 23, g] *= 1.4
    return out


def expected_weather(ar: np.ndarray, origin_day: int, days: int) -> np.ndarray:
    """E[weather multiplier] for the ``days`` days from ``origin_day``, given the day before."""
    x = math.log(ar[origin_day - 1]) + 0.5 * SD**2
    h = np.arange(1, days + 1)
    return np.exp(PHI**h * x + 0.5 * SD**2 * (1 - PHI ** (2 * h)) - 0.5 * SD**2)


def expected_rain(rain, pi, origin_day: int, days: int) -> np.ndarray:
    """P(rain) for the ``days`` days from ``origin_day`` by the simulator's Markov chain."""
    p = float(rain[origin_day - 1])
    out = []
    for i in range(origin_day, origin_day + days):
        stay = 0.7 if pi[i] > 0.285 else 0.5
        p = p * stay + (1 - p) * pi[i] * (1 - stay) / (1 - pi[i])
        out.append(p)
    return np.array(out)


def one_off_average(w: dict) -> np.ndarray:
    """``(24, grids)``: the one-off events' average multiplier by grid kind and hour of day
    over the year (a forecaster knows that events happen, not when)."""
    one_off = w["events"] / w["recurring"]
    hod = np.arange(one_off.shape[0]) % 24
    kinds = w["city"].kinds
    out = np.ones((24, len(kinds)))
    for kind in set(kinds):
        cols = kinds == kind
        for h in range(24):
            out[h, cols] = one_off[hod == h][:, cols].mean()
    return out


def carry_forward(background: np.ndarray, eta, state: np.ndarray, decay: float) -> np.ndarray:
    """Expected first calls when no count after the origin is seen: the excitation state
    evolves with the expected counts (``m_t = b_t + s_t``, ``s' = d s + eta (1 - d) m_t``)."""
    out = np.empty_like(background)
    gain = eta * (1 - decay)
    for t in range(background.shape[0]):
        out[t] = background[t] + state
        state = state * decay + gain * out[t]
    return out


def state_at(w: dict, origin: int) -> np.ndarray:
    """The simulator's excitation state before hour ``origin`` (from the citizen draws)."""
    decay = w["sim"].DECAY
    gain = w["eta"] * (1 - decay)
    state = np.zeros(w["citizen"].shape[1])
    for t in range(origin):
        state = state * decay + gain * w["citizen"][t]
    return state


def stage_means(w: dict, origin: int, follow: np.ndarray) -> dict[str, np.ndarray]:
    """``(hours, grids)`` first-call means of each stage times the follow-up factor."""
    sim, decay = w["sim"], w["sim"].DECAY
    rows = slice(origin, origin + HORIZON)
    days = HORIZON // 24
    od = origin // 24
    day = np.repeat(np.arange(days), 24)
    state = state_at(w, origin)
    known = w["background"][rows]
    out = {STAGES[0]: w["first_calls"][rows]}
    out[STAGES[1]] = carry_forward(known, w["eta"], state, decay)
    ar_true = w["ar"][od : od + days][day][:, None]
    ar_exp = expected_weather(w["ar"], od, days)[day][:, None]
    bg = known / ar_true * ar_exp
    out[STAGES[2]] = carry_forward(bg, w["eta"], state, decay)
    dry, pi = w["dry"][None, :], w["pi"][od : od + days][day][:, None]
    rain_true = np.where(w["rain"][od : od + days][day][:, None], dry, 1.0)
    p = expected_rain(w["rain"], w["pi"], od, days)[day][:, None]
    bg = bg / rain_true * (p * dry + (1 - p))
    out[STAGES[3]] = carry_forward(bg, w["eta"], state, decay)
    one_off = (w["events"] / w["recurring"])[rows]
    bg = bg / one_off * one_off_average(w)[np.arange(HORIZON) % 24]
    out[STAGES[4]] = carry_forward(bg, w["eta"], state, decay)
    del sim, pi
    return {k: v * follow[rows] for k, v in out.items()}


def main() -> int:
    from run import simulate

    from training.forecast.data import load_forecast_data, load_intensity

    city_dir = simulate()
    data = load_forecast_data(city_dir / "calls.csv", grids_geojson=city_dir / "grids.geojson")
    panel = data.panel
    truth = load_intensity(city_dir / "intensity.parquet", panel).counts
    first = load_intensity(city_dir / "intensity.parquet", panel, "expected_incidents").counts
    w = rebuild()
    order = [w["city"].grid_ids.index(g) for g in panel.grid_ids]  # panel row -> sim column
    rebuilt = w["first_calls"][:, order].T
    check = float(np.max(np.abs(rebuilt - first)))
    if check > 1e-6:
        raise SystemExit(f"the rebuilt simulator differs from intensity.parquet by {check}")
    follow = (truth / np.maximum(first, 1e-12)).T[:, np.argsort(order)]  # hours × sim grids
    kinds = np.asarray(panel.kinds)
    rep, sel = report_cutoffs(panel), selection_cutoffs(panel)
    ys = [panel.counts[:, c : c + HORIZON].astype(np.float64) for c in rep]
    means: dict[str, list[np.ndarray]] = {s: [] for s in STAGES}
    for c in rep:
        for name, m in stage_means(w, c, follow).items():
            means[name].append(m[:, order].T)
    stored = [truth[:, c : c + HORIZON] for c in rep]
    drift = max(
        float(np.max(np.abs(a - b))) for a, b in zip(means[STAGES[0]], stored, strict=True)
    )
    lgb = [model_mean("sim", panel, "lightgbm", c, "CN") for c in rep]
    gr = [model_mean("sim", panel, "grid-rhythm", c, "CN") for c in rep]
    y_sel = [panel.counts[:, c : c + HORIZON].astype(np.float64) for c in sel]
    curve = weight_curve(
        y_sel,
        [model_mean("sim", panel, "lightgbm", c, "CN") for c in sel],
        [model_mean("sim", panel, "grid-rhythm", c, "CN") for c in sel],
    )
    wt = float(WEIGHTS[int(np.argmin(curve))])
    means["grid-rhythm"] = gr
    means["lightgbm, trees alone"] = lgb
    means["lightgbm (0.6 trees + 0.4 grid-rhythm, the default)"] = [
        0.6 * a + 0.4 * b for a, b in zip(lgb, gr, strict=True)
    ]
    means[f"lightgbm blend at the selection folds' weight ({wt:g})"] = [
        wt * a + (1 - wt) * b for a, b in zip(lgb, gr, strict=True)
    ]

    def dev(ms, pick=None) -> float:
        return float(
            np.mean(
                [
                    poisson_deviance(
                        y[pick] if pick is not None else y, m[pick] if pick is not None else m
                    )
                    for y, m in zip(ys, ms, strict=True)
                ]
            )
        )

    base = dev(means[STAGES[0]])
    origin = dev(means[STAGES[4]])
    rows = {}
    for name, ms in means.items():
        d = dev(ms)
        rows[name] = {
            "poisson_deviance": d,
            "vs_oracle": d / base - 1,
            "vs_origin_oracle": d / origin - 1,
        }
    # where the models' own excess goes: lead day, kind, busyness (against the origin oracle)
    busy = np.mean([y.mean(axis=1) for y in ys], axis=0)
    terciles = np.quantile(busy, [1 / 3, 2 / 3])
    groups = {
        **{f"lead day {d + 1}": (slice(None), slice(d * 24, d * 24 + 24)) for d in range(7)},
        **{f"kind {k}": (kinds == k, slice(None)) for k in sorted(set(kinds))},
        "quietest third of grids": (busy <= terciles[0], slice(None)),
        "middle third": ((busy > terciles[0]) & (busy <= terciles[1]), slice(None)),
        "busiest third": (busy > terciles[1], slice(None)),
    }
    breakdown = {}
    for label, (g, h) in groups.items():
        part = {}
        for name in (
            STAGES[0],
            STAGES[4],
            "grid-rhythm",
            "lightgbm (0.6 trees + 0.4 grid-rhythm, the default)",
        ):
            part[name] = float(
                np.mean(
                    [
                        poisson_deviance(y[g][:, h], m[g][:, h])
                        for y, m in zip(ys, means[name], strict=True)
                    ]
                )
            )
        breakdown[label] = part
    report = {
        "grids": GRIDS,
        "report_cutoffs": [str(panel.hours(c, c + 1)[0]) for c in rep],
        "rebuilt_vs_stored_max_abs": max(check, drift),
        "selection_weight_of_trees": wt,
        "selection_deviance_by_weight": dict(zip(map(str, WEIGHTS), curve, strict=True)),
        "rows": rows,
        "breakdown": breakdown,
        "load_average_1m": os.getloadavg()[0],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "forecast_oracle_gap.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(markdown(report))
    print(f"wrote {path}")
    return 0


def markdown(report: dict) -> str:
    lines = ["| forecast | deviance | vs oracle | vs origin oracle |", "|---|---|---|---|"]
    for name, r in report["rows"].items():
        lines.append(
            f"| {name} | {r['poisson_deviance']:.4f} | {r['vs_oracle']:+.2%} "
            f"| {r['vs_origin_oracle']:+.2%} |"
        )
    names = list(next(iter(report["breakdown"].values())))
    lines += ["", "| part | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, part in report["breakdown"].items():
        lines.append(f"| {label} | " + " | ".join(f"{part[n]:.4f}" for n in names) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
