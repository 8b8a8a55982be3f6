"""Hourly call intensity of the synthetic city: the Poisson mean each grid-hour is drawn from.

The citizen-call mean of grid ``g`` in hour ``t`` is

    lambda[t, g] = mu[t, g] + excitation[t, g]
    mu[t, g]     = base_rate[g] / 24 * (1 - eta[kind]) * shape[kind](t) / norm[kind]
                   * weather[t] * rain[t, kind] * events[t, g]

and ``intensity.parquet`` stores exactly ``lambda`` (the conditional mean used to draw each
count), so a forecast can be scored against the best possible. Each effect and the figure
it is calibrated to:

* **Level.** ``base_rate`` (calls/day, see ``city``) sums to 330 calls a day per 51 grids
  (Jining). ``norm`` makes each kind's deterministic shape average 1 over the first 365
  days, and ``1 - eta`` cancels the extra calls the self-excitation adds on average, so a
  year averages 330/day (+1-2% from events, +1.5% from the trend).
* **Hour of day x day type, per kind.** Smooth curves (sums of Gaussian bumps) for working
  days and days off, looked up by the *social day* (the day of ``t - 5h``, so 01:00 on
  Saturday belongs to Friday night). Nightlife peaks 21:00-02:00 and nights before a day
  off are x1.6 (Fri/Sat); commercial peaks in the afternoon and evening, higher on days
  off; residential evenings (domestic disputes peak 19-22); industrial weekday day shifts,
  about half on days off; hubs have 08:00 and 18:00 commute peaks; villages are low and
  daytime. Each curve has its low between 02:00 and 07:00 (nightlife last, as bars close);
  the city as a whole is quietest at 04:00-05:00 with about a quarter of the evening peak,
  the peak-to-trough ratio of 3-5 that 110 centres report.
* **Calendar.** ``features.calendar.holiday_table``: make-up working days use the working
  curve, holidays the day-off curve times a kind factor (hubs x1.3, nightlife x1.2,
  commercial x1.15, industry x0.75); Spring Festival shuts factories (industry x0.45);
  travel rush at hubs (x1.3) on the two days before and the last day of a holiday; firework
  nights (New Year's Eve x1.8, 初一 x1.25, 初五 x1.3, 元宵 x1.4 in the evening); wage
  disputes before the new year (industry x1.25 in the 20 days before 初一); payday on
  the 10th (industry x1.3 by day, nightlife x1.15 in the evening).
* **Season.** +-5% over the year peaking mid-July, plus +-10% for night hours (summer
  nights are busier: people are out late).
* **Trend.** +3% a year (a growing city), compounding from ``start``.
* **Weather.** A city-wide daily AR(1) log-multiplier (phi 0.7, sd 0.07: day-to-day
  swings of a few percent that persist), and rainy spells from a two-state Markov chain
  (Pu'er: about 45% rainy days in the May-October wet season, 12% in the dry season; a
  rainy day is followed by rain 50-70% of the time) that lower outdoor calls (nightlife
  x0.8, commercial x0.85, villages x0.9) and nudge indoor ones (residential x1.03). The
  rain factor is divided by its seasonal expectation so it does not move the level.
* **Events.** One-off events (concerts, promotions, village banquets, fairs) at a rate of
  0.4-5 a year per grid by kind, 3-6 hours long, x1.4-5; recurring ones: every village
  grid has a market day (街天) every 5 or 6 days, 08:00-14:00 x1.5, and the busiest
  commercial grid a Saturday night market, 18:00-23:00 x1.4.
* **Near-repeat bursts.** Self-exciting (discrete Hawkes): every citizen call adds
  ``eta * (1 - d) * d**k`` expected calls to the same grid ``k + 1`` hours later (``d =
  exp(-1/3)``, a 3-hour memory); the branching ratio ``eta`` is 0.10-0.20 by kind
  (so 10-20% of calls are follow-ups of an earlier one: a modest near-repeat share, as
  studies of repeat burglary and disorder calls find, and far from an explosive process).

Patrol-initiated records (``source=patrol``) are extra: 5% of all records (a patrol post
logs what it finds on the street), weighted to nightlife and commercial grids at night. They
do not feed the excitation and are not part of ``expected``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.calendar import holiday_table
from features.labels import DEFAULT_TIMEZONE
from training.simulator.city import KINDS, City

# ---- hour-of-day curves: (centre hour, width h, amplitude) bumps on top of a floor ------------
_Bumps = tuple[float, tuple[tuple[float, float, float], ...]]
_WORK: dict[str, _Bumps] = {
    "commercial": (0.15, ((10.5, 2.0, 0.9), (15.0, 2.5, 1.0), (20.0, 2.0, 0.9))),
    "residential": (0.16, ((8.5, 1.8, 0.45), (12.5, 2.0, 0.5), (20.0, 2.5, 1.2))),
    "nightlife": (0.10, ((14.0, 3.0, 0.25), (23.3, 2.6, 1.5))),
    "industrial": (0.10, ((10.0, 2.0, 1.1), (15.0, 2.5, 1.1), (20.0, 2.0, 0.35))),
    "village": (0.10, ((10.5, 2.5, 0.8), (16.0, 2.5, 0.75), (20.5, 1.5, 0.45))),
    "transport_hub": (
        0.10,
        ((8.0, 1.3, 1.2), (12.5, 3.0, 0.7), (18.0, 1.5, 1.25), (21.5, 1.5, 0.4)),
    ),
}
_FREE: dict[str, _Bumps] = {
    "commercial": (0.15, ((11.0, 2.0, 1.0), (15.0, 3.0, 1.35), (20.5, 2.0, 1.2))),
    "residential": (0.18, ((10.5, 2.5, 0.8), (15.0, 2.5, 0.6), (20.5, 2.5, 1.25))),
    "nightlife": (0.10, ((15.0, 3.0, 0.4), (23.3, 2.6, 1.5))),
    "industrial": (0.08, ((11.0, 3.0, 0.55), (16.0, 3.0, 0.5), (21.0, 2.0, 0.3))),
    "village": (0.10, ((10.5, 2.5, 0.85), (16.0, 2.5, 0.8), (20.5, 1.5, 0.5))),
    "transport_hub": (0.10, ((10.0, 2.5, 1.1), (15.0, 3.0, 1.0), (19.0, 2.0, 0.9))),
}
_PRE_FREE_NIGHT = {"nightlife": 1.6, "commercial": 1.15, "residential": 1.05}
_HOLIDAY = {
    "commercial": 1.15,
    "residential": 1.05,
    "nightlife": 1.2,
    "industrial": 0.75,
    "village": 1.1,
    "transport_hub": 1.3,
}
_SPRING_INDUSTRY = 0.45
_RAIN = {
    "commercial": 0.85,
    "residential": 1.03,
    "nightlife": 0.8,
    "industrial": 0.95,
    "village": 0.9,
    "transport_hub": 0.95,
}
ETA = {
    "commercial": 0.15,
    "residential": 0.15,
    "nightlife": 0.20,
    "industrial": 0.12,
    "village": 0.10,
    "transport_hub": 0.12,
}
DECAY = math.exp(-1.0 / 3.0)
_EVENTS_PER_YEAR = {
    "commercial": 3.0,
    "residential": 0.8,
    "nightlife": 5.0,
    "industrial": 0.4,
    "village": 1.5,
    "transport_hub": 2.0,
}
PATROL_SHARE = 0.05
_PATROL_KIND = {
    "commercial": 1.5,
    "residential": 0.6,
    "nightlife": 2.8,
    "industrial": 0.5,
    "village": 0.35,
    "transport_hub": 1.2,
}
_SOCIAL_SHIFT = 5  # hours: 00:00-04:59 belong to the previous evening
_TREND = 0.03
_SEASON_DAY, _SEASON_NIGHT = 0.05, 0.10
_SEASON_PEAK_DOY = 196


def _curve(spec: _Bumps) -> np.ndarray:
    floor, bumps = spec
    h = np.arange(24, dtype=float)
    out = np.full(24, floor)
    for centre, width, amp in bumps:
        gap = np.abs((h - centre + 12.0) % 24.0 - 12.0)
        out += amp * np.exp(-0.5 * (gap / width) ** 2)
    return out


def _night_weight() -> np.ndarray:
    """0..1 weight of 'night-ness' per clock hour (1 at 00:00, ~0 by day)."""
    h = np.arange(24, dtype=float)
    gap = np.abs((h - 0.0 + 12.0) % 24.0 - 12.0)
    return np.exp(-0.5 * (gap / 3.0) ** 2)


NIGHT_WEIGHT = _night_weight()


@dataclass
class Intensity:
    """Hour-by-grid arrays of the simulated period (rows: hours, columns: grids)."""

    hours: pd.DatetimeIndex
    background: np.ndarray  # mu: citizen mean without self-excitation
    patrol_shape: np.ndarray  # relative patrol activity (scaled after sampling)
    firework: np.ndarray  # bool per hour: a firework night
    eta: np.ndarray  # branching ratio per grid


def _lunar_new_years(years: range) -> list[dt.date]:
    """初一 of each year (first day named Spring Festival by the ``holidays`` package)."""
    import holidays

    out = []
    for year in years:
        names = holidays.country_holidays("CN", years=[year], language="en_US")
        days = [
            d
            for d, n in names.items()
            if n.startswith("Chinese New Year (Spring") and "observed" not in n
        ]
        if days:
            out.append(min(days))
    return out


def _calendar(first: dt.date, last: dt.date) -> pd.DataFrame:
    """Per-day flags from ``first`` to ``last`` with festival and payday columns."""
    table = holiday_table(first, last).set_index("date")
    dates = table.index
    table["next_offday"] = np.append(table["is_offday"].to_numpy()[1:], False)
    tail = holiday_table(dates[-1] + pd.Timedelta(days=1), dates[-1] + pd.Timedelta(days=1))
    table.iloc[-1, table.columns.get_loc("next_offday")] = bool(tail["is_offday"].iloc[0])
    spring = (table["holiday_name"] == "Spring Festival").to_numpy()
    table["spring"] = spring
    lny = _lunar_new_years(range(first.year - 1, last.year + 2))
    firework = np.ones(len(dates))
    pre_new_year = np.zeros(len(dates), dtype=bool)
    for day in lny:
        day = pd.Timestamp(day)
        for offset, factor in ((-1, 1.8), (0, 1.25), (4, 1.3), (14, 1.4)):
            firework[dates == day + pd.Timedelta(days=offset)] = factor
        pre_new_year |= (dates >= day - pd.Timedelta(days=20)) & (dates < day)
    table["firework"] = firework
    table["pre_new_year"] = pre_new_year
    table["payday"] = np.asarray(dates.day == 10)
    is_hol = table["is_holiday"].to_numpy()
    next_hol = np.append(is_hol[1:], False)
    table["rush"] = table["days_to_holiday"].isin([1, 2]).to_numpy() | (is_hol & ~next_hol)
    return table


def _shape(kind: str, social: pd.DataFrame, hour: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Deterministic calendar x hour shape of one kind for every simulated hour."""
    work, free = _curve(_WORK[kind]), _curve(_FREE[kind])
    off = social["is_offday"].to_numpy()
    out = np.where(off, free[hour], work[hour])
    evening = (hour >= 18) | (hour < _SOCIAL_SHIFT)
    out = out * np.where(
        social["next_offday"].to_numpy() & evening, _PRE_FREE_NIGHT.get(kind, 1.0), 1.0
    )
    holiday = social["is_holiday"].to_numpy()
    out = out * np.where(holiday, _HOLIDAY[kind], 1.0)
    if kind == "industrial":
        out = out * np.where(social["spring"].to_numpy(), _SPRING_INDUSTRY, 1.0)
        out = out * np.where(social["pre_new_year"].to_numpy(), 1.25, 1.0)
        daytime = (hour >= 8) & (hour < 18)
        out = out * np.where(social["payday"].to_numpy() & daytime, 1.3, 1.0)
    if kind == "nightlife":
        out = out * np.where(social["payday"].to_numpy() & evening, 1.15, 1.0)
    if kind == "transport_hub":
        out = out * np.where(social["rush"].to_numpy(), 1.3, 1.0)
    if kind != "industrial":
        fire = social["firework"].to_numpy()
        out = out * np.where(evening, fire, 1.0)
    # Season (summer nights busier) and a slow trend.
    doy = social.index.day_of_year.to_numpy()
    season = np.cos(2 * math.pi * (doy - _SEASON_PEAK_DOY) / 365.25)
    out = out * (1 + _SEASON_DAY * season + _SEASON_NIGHT * NIGHT_WEIGHT[hour] * season)
    out = out * (1 + _TREND) ** (days / 365.25)
    return out


def _rain_probability(doy: np.ndarray) -> np.ndarray:
    """Share of rainy days: ~45% mid-wet-season (Aug), ~12% mid-dry-season (Feb)."""
    return 0.285 + 0.165 * np.cos(2 * math.pi * (doy - 213) / 365.25)


def _weather(n_days: int, doy: np.ndarray, rng: np.random.Generator):
    """Daily city-wide AR(1) multiplier and a rainy-day chain."""
    phi, sd = 0.7, 0.07
    eps = rng.normal(0.0, 1.0, size=n_days)
    x = np.empty(n_days)
    x[0] = sd * eps[0]
    for i in range(1, n_days):
        x[i] = phi * x[i - 1] + math.sqrt(1 - phi**2) * sd * eps[i]
    ar = np.exp(x - 0.5 * sd**2)
    pi = _rain_probability(doy)
    stay = np.where(pi > 0.285, 0.7, 0.5)  # wet season spells last longer
    u = rng.random(n_days)
    rain = np.zeros(n_days, dtype=bool)
    rain[0] = u[0] < pi[0]
    for i in range(1, n_days):
        p = stay[i] if rain[i - 1] else pi[i] * (1 - stay[i]) / (1 - pi[i])
        rain[i] = u[i] < p
    return ar, rain, pi


def _events(city: City, n_hours: int, day_of_week: np.ndarray, rng: np.random.Generator):
    """Event multipliers per hour and grid (one-off and recurring)."""
    mult = np.ones((n_hours, len(city.grids)))
    n_days = n_hours // 24
    years = n_days / 365.0
    kinds = city.kinds
    for g, kind in enumerate(kinds):
        for _ in range(int(rng.poisson(_EVENTS_PER_YEAR[kind] * years))):
            day = int(rng.integers(n_days))
            if kind == "village":
                hour = int(rng.integers(9, 12))
            elif kind == "transport_hub":
                hour = int(rng.integers(7, 20))
            elif kind in ("industrial", "residential"):
                hour = int(rng.integers(9, 20))
            else:
                hour = int(rng.integers(18, 22))
            length = int(rng.integers(3, 7))
            factor = float(np.clip(rng.lognormal(math.log(2.0), 0.4), 1.4, 5.0))
            t0 = day * 24 + hour
            mult[t0 : min(t0 + length, n_hours), g] *= factor
        if kind == "village":  # market day (街天) every 5 or 6 days
            period = 5 + (g % 2)
            phase = int(rng.integers(period))
            for day in range(phase, n_days, period):
                mult[day * 24 + 8 : day * 24 + 14, g] *= 1.5
    commercial = np.flatnonzero(kinds == "commercial")
    if len(commercial):
        g = commercial[np.argmax(city.base_rates[commercial])]
        for day in np.flatnonzero(day_of_week == 5):
            mult[day * 24 + 18 : day * 24 + 23, g] *= 1.4
    return mult


def build_intensity(city: City, start: dt.date, days: int, rng: np.random.Generator) -> Intensity:
    """Background intensity (everything except the self-excitation) of the period."""
    ref_days = max(days, 365)
    first = start - dt.timedelta(days=1)
    last = start + dt.timedelta(days=ref_days)
    cal = _calendar(first, last)
    n_hours = ref_days * 24
    hour_idx = np.arange(n_hours)
    hour = hour_idx % 24
    social_day = (hour_idx - _SOCIAL_SHIFT) // 24 + 1  # row in ``cal`` (row 0 = start - 1)
    social = cal.iloc[social_day]
    kinds = city.kinds
    shapes = {}
    for kind in KINDS:
        if not np.any(kinds == kind):
            continue
        shape = _shape(kind, social, hour, hour_idx / 24.0)
        # Expected rain factor by season, so rain moves days but not the level.
        pi_rain = _rain_probability(social.index.day_of_year.to_numpy())
        shape = shape * (1 - pi_rain * (1 - _RAIN[kind]))
        norm = shape[: 365 * 24].mean()
        shapes[kind] = (shape / norm)[: days * 24]

    n = days * 24
    cal_days = cal.iloc[1 : days + 1]
    ar, rain, pi = _weather(days, cal_days.index.day_of_year.to_numpy(), rng)
    day_of_sim = np.arange(n) // 24
    base = city.base_rates / 24.0
    eta = np.array([ETA[k] for k in kinds])
    mu = np.empty((n, len(kinds)))
    for g, kind in enumerate(kinds):
        rain_factor = np.where(rain, _RAIN[kind], 1.0) / (1 - pi * (1 - _RAIN[kind]))
        mu[:, g] = base[g] * (1 - eta[g]) * shapes[kind] * (ar * rain_factor)[day_of_sim]
    mu *= _events(city, n, cal_days.index.day_of_week.to_numpy(), rng)

    patrol_hour = 0.35 + 1.4 * NIGHT_WEIGHT + 0.3 * _curve((0.0, ((15.0, 3.0, 1.0),)))
    patrol_kind = np.array([_PATROL_KIND[k] for k in kinds]) * np.sqrt(city.base_rates)
    patrol = patrol_hour[hour[:n], None] * patrol_kind[None, :]
    firework = (social["firework"].to_numpy()[:n] > 1.0) & (
        (hour[:n] >= 18) | (hour[:n] < _SOCIAL_SHIFT)
    )
    tz = DEFAULT_TIMEZONE
    hours = pd.date_range(pd.Timestamp(start).tz_localize(tz), periods=n, freq="h")
    return Intensity(hours=hours, background=mu, patrol_shape=patrol, firework=firework, eta=eta)


def excite(
    background: np.ndarray, eta: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw counts hour by hour with near-repeat self-excitation.

    Returns ``(expected, counts)``; ``expected[t]`` is the mean ``counts[t]`` was drawn
    from, given everything that happened before hour ``t``.
    """
    n_hours, n_grids = background.shape
    expected = np.empty_like(background)
    counts = np.empty(background.shape, dtype=np.int64)
    state = np.zeros(n_grids)
    gain = eta * (1 - DECAY)
    for t in range(n_hours):
        lam = background[t] + state
        expected[t] = lam
        drawn = rng.poisson(lam)
        counts[t] = drawn
        state = state * DECAY + gain * drawn
    return expected, counts
