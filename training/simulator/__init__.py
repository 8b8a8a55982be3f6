"""The synthetic city: the embedded default data set for the demo and every test.

``run_simulate`` lays out a city of dispatch grids (``city``), builds the hourly intensity
of citizen calls per grid (``intensity``), draws the counts with near-repeat bursts, then
each call's time, place, category and text (``sample`` and ``texts``), and writes
``calls.csv``, ``grids.geojson`` and ``intensity.parquet`` (the true Poisson mean of every
grid-hour, so forecasts can be scored against the best possible). Everything is
deterministic given ``seed``. Heavy imports happen inside the function so importing the
package (and ``jingqing --help``) stays instant.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from features.errors import UserError

__all__ = ["MAX_GRID_DAYS", "SimulationResult", "run_simulate"]

MAX_GRIDS = 5000
MAX_DAYS = 3650
# Beyond this a run makes more than ~1.3 million calls and needs several GB of memory (texts are
# held in memory until the CSV is written); 51 grids x 10 years fits.
MAX_GRID_DAYS = 200_000


LOCAL_TIME = "local_time"


def call_columns() -> tuple[str, ...]:
    """The calls schema, then simulator-only columns that help analysis and grouped
    validation (imported here, not at module level, so ``jingqing --help`` stays fast)."""
    from features.schema import SCHEMA_COLUMNS

    at = SCHEMA_COLUMNS.index("received_at") + 1
    return tuple(
        dict.fromkeys(
            (
                *SCHEMA_COLUMNS[:at],
                LOCAL_TIME,  # received_at as Excel reads a date (the file is for people too)
                *SCHEMA_COLUMNS[at:],
                "police_class",
                "police_type",
                "incident_id",
                "subtype",
                "voice",
                "phrasing",
                # response times from the simulator's own dispatch (optional schema columns)
                "dispatched_at",
                "arrived_at",
                "cleared_at",
            )
        )
    )


def __getattr__(name: str):
    if name == "CALL_COLUMNS":
        return call_columns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class SimulationResult:
    """What a simulation wrote and the figures a planner checks it against."""

    out: Path
    grids: int
    days: int
    start: dt.date
    seed: int
    n_calls: int
    n_citizen: int
    n_patrol: int
    expected_citizen: float
    category_shares: dict[str, float] = field(default_factory=dict)
    transfer_rate: float = 0.0
    divert_share: float = 0.0
    urgent_share: float = 0.0
    seconds: float = 0.0

    @property
    def calls_path(self) -> Path:
        return self.out / "calls.csv"

    @property
    def grids_path(self) -> Path:
        return self.out / "grids.geojson"

    @property
    def intensity_path(self) -> Path:
        return self.out / "intensity.parquet"

    @property
    def calls_per_day(self) -> float:
        return self.n_calls / self.days

    def summary(self) -> str:
        """A few lines comparing the simulated city with the reference figures."""
        from training.simulator.sample import CITY_SHARES, CITY_TRANSFER_RATE

        shares = ", ".join(
            f"{c} {100 * s:.1f}% (target {100 * CITY_SHARES[c]:.1f}%)"
            for c, s in self.category_shares.items()
        )
        return "\n".join(
            [
                f"simulated {self.n_calls:,} calls ({self.n_citizen:,} citizen, "
                f"{self.n_patrol:,} patrol) over {self.days} days x {self.grids} grids "
                f"in {self.seconds:.1f} s",
                f"calls/day {self.calls_per_day:.1f}, citizen {self.n_citizen / self.days:.1f} "
                f"(Jining ~{330 * self.grids / 51:.0f} for {self.grids} grids); expected citizen "
                f"calls {self.expected_citizen:,.0f}",
                f"categories: {shares}",
                f"transferred to police stations {100 * self.transfer_rate:.1f}% (target "
                f"{100 * CITY_TRANSFER_RATE:.1f}%); diverted {100 * self.divert_share:.1f}%; "
                f"urgent {100 * self.urgent_share:.1f}%",
                f"wrote {self.calls_path}, {self.grids_path}, {self.intensity_path}",
            ]
        )


def _check(out: str | os.PathLike, grids, days, start, seed, force: bool):
    """Validate the arguments; every mistake is one ``UserError`` line."""
    if isinstance(grids, bool) or not isinstance(grids, int) or not 1 <= grids <= MAX_GRIDS:
        raise UserError(f"--grids must be a whole number from 1 to {MAX_GRIDS}, got {grids!r}")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise UserError(f"--days must be a whole number from 1 to {MAX_DAYS}, got {days!r}")
    if grids * days > MAX_GRID_DAYS:
        raise UserError(
            f"--grids x --days is {grids * days:,}, more than {MAX_GRID_DAYS:,} grid-days "
            "(over a million calls, several GB of memory); simulate fewer grids or days"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UserError(f"--seed must be a non-negative whole number, got {seed!r}")
    if isinstance(start, dt.datetime):
        start = start.date()
    if not isinstance(start, dt.date):
        try:
            start = dt.date.fromisoformat(str(start).strip())
        except ValueError:
            raise UserError(f"--start must be a date like 2025-01-01, got {start!r}") from None
    if not 1990 <= start.year <= 2100:
        raise UserError(f"--start must be a date between 1990 and 2100, got {start.isoformat()}")
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UserError(f"--out {path} exists and is not a directory")
    if (path / "calls.csv").exists() and not force:
        raise UserError(f"{path} already contains calls.csv; use --force to overwrite it")
    return path, start


def run_simulate(
    out: str | os.PathLike,
    grids: int = 51,
    days: int = 365,
    start: str | dt.date = "2025-01-01",
    seed: int = 0,
    *,
    force: bool = False,
    progress: bool = True,
) -> SimulationResult:
    """Simulate a city and write ``calls.csv``, ``grids.geojson`` and ``intensity.parquet``.

    Args:
        out: directory to write to (created if missing). It must not already hold a
            ``calls.csv`` unless ``force`` is true, so a typo cannot clobber real data.
        grids: number of dispatch grids (1-5000).
        days: number of days (1-3650), starting at local midnight of ``start``.
        start: first day, ``YYYY-MM-DD``.
        seed: the same seed gives byte-identical files.
        force: overwrite an existing simulation in ``out``.
        progress: print a line per stage and a progress bar while writing texts.

    Raises:
        UserError: an argument is out of range or ``out`` is unusable.
    """
    path, start_date = _check(out, grids, days, start, seed, force)
    import numpy as np
    import pandas as pd

    from features.progress import progress as shown
    from training.simulator.city import KINDS, build_city
    from training.simulator.dispatch import RESPONSE_COLUMNS, iso_or_blank, simulate_dispatch
    from training.simulator.incidents import (
        add_incidents,
        expected_follow_ups,
        follow_up_rates,
        incident_ids,
    )
    from training.simulator.intensity import PATROL_SHARE, build_intensity, excite
    from training.simulator.sample import (
        call_ids,
        category_mix,
        draw_calls,
        iso_seconds,
        write_texts,
    )

    began = time.perf_counter()

    def say(msg: str) -> None:
        if progress:
            print(f"[simulate {time.perf_counter() - began:5.1f}s] {msg}", flush=True)

    streams = np.random.SeedSequence([int(seed), 2]).spawn(5)
    rng_int, rng_exc, rng_pat, rng_draw, rng_text = (np.random.default_rng(s) for s in streams)

    say(f"laying out {grids} grids around Simao, Pu'er (lat 24.77, lon 100.97)")
    city = build_city(grids, seed)
    say(f"hourly intensity for {days} days from {start_date} ({days * 24:,} hours x {grids})")
    intensity = build_intensity(city, start_date, days, rng_int)
    say("drawing citizen counts hour by hour with near-repeat bursts")
    expected, citizen = excite(intensity.background, intensity.eta, rng_exc)
    patrol_scale = (
        PATROL_SHARE / (1 - PATROL_SHARE) * expected.sum() / intensity.patrol_shape.sum()
    )
    patrol = rng_pat.poisson(intensity.patrol_shape * patrol_scale)

    kind_of_grid = np.array([KINDS.index(k) for k in city.kinds])
    hour_of_day = intensity.hours.hour.to_numpy()
    weight = np.zeros((len(KINDS), 24))
    np.add.at(weight, (kind_of_grid[None, :], hour_of_day[:, None]), expected)
    rates = follow_up_rates()
    mix = category_mix(weight, PATROL_SHARE, rates)

    total = int(citizen.sum() + patrol.sum())
    say(f"placing {total:,} calls and writing their texts")
    calls = draw_calls(city, intensity.hours, citizen, patrol, mix, intensity.firework, rng_draw)

    def bar(rows):
        return shown(rows, "texts", "call", total=len(calls))

    calls = write_texts(calls, city, rng_text, progress=bar if progress else None)
    rng_inc = np.random.default_rng(np.random.SeedSequence([int(seed), 3]))
    end = intensity.hours[-1] + pd.Timedelta(hours=1)
    calls = add_incidents(calls, city, rng_inc, end)
    say(f"{calls['incident'].nunique():,} incidents; {len(calls) - total:,} calls by more callers")
    say("dispatching units to the calls (response times)")
    response = simulate_dispatch(city, calls, int(seed))

    say(f"writing {path}")
    path.mkdir(parents=True, exist_ok=True)
    grid_ids = np.array(city.grid_ids, dtype=object)
    stamps = iso_seconds(calls["received_at"])
    ids = call_ids(stamps)
    table = pd.DataFrame(
        {
            "call_id": ids,
            "received_at": stamps,
            # the stamps are local wall-clock ISO text: "2025-01-01T00:13:14+08:00"
            LOCAL_TIME: pd.Series(stamps).str.slice(0, 16).str.replace("T", " ").to_numpy(),
            "grid_id": grid_ids[calls["grid"].to_numpy()],
            "lat": calls["lat"].to_numpy(),
            "lon": calls["lon"].to_numpy(),
            "text": calls["text"].to_numpy(),
            "category": calls["category"].to_numpy(),
            "disposition": calls["disposition"].to_numpy(),
            "divert_to": calls["divert_to"].to_numpy(),
            "urgent": np.where(calls["urgent"].to_numpy(), "true", "false"),
            "source": calls["source"].to_numpy(),
            "subtype": calls["subtype"].to_numpy(),
            "voice": calls["voice"].to_numpy(),
            "phrasing": calls["phrasing"].to_numpy(),
            "police_class": calls["police_class"].to_numpy(),
            "police_type": calls["police_type"].to_numpy(),
            **{col: iso_or_blank(response[col]) for col in RESPONSE_COLUMNS},
            "incident_id": incident_ids(ids, calls["incident"].to_numpy()),
        },
        columns=list(call_columns()),
    )
    _write_atomic(path / "calls.csv", lambda p: table.to_csv(p, index=False, encoding="utf-8-sig"))
    _write_atomic(path / "grids.geojson", city.write_geojson)
    first_calls = expected
    expected = expected + expected_follow_ups(city, intensity.hours, expected, mix, rates)
    n_hours, n_grids = expected.shape
    frame = pd.DataFrame(
        {
            "grid_id": np.repeat(grid_ids, n_hours),
            "hour": intensity.hours[np.tile(np.arange(n_hours), n_grids)],
            "expected": expected.T.reshape(-1),
            "expected_incidents": first_calls.T.reshape(-1),
        }
    )
    _write_atomic(path / "intensity.parquet", lambda p: frame.to_parquet(p, index=False))

    n = len(table)
    shares = table["category"].value_counts(normalize=True)
    result = SimulationResult(
        out=path,
        grids=grids,
        days=days,
        start=start_date,
        seed=int(seed),
        n_calls=n,
        n_citizen=int((table["source"] == "citizen").sum()),
        n_patrol=int(patrol.sum()),
        expected_citizen=float(expected.sum()),
        category_shares={c: float(shares.get(c, 0.0)) for c in _categories()},
        transfer_rate=float((table["disposition"] == "transfer").mean()) if n else 0.0,
        divert_share=float((table["disposition"] == "divert").mean()) if n else 0.0,
        urgent_share=float((table["urgent"] == "true").mean()) if n else 0.0,
        seconds=time.perf_counter() - began,
    )
    if progress:
        print(result.summary(), flush=True)
    return result


def _categories() -> tuple[str, ...]:
    from features.labels import CATEGORIES

    return CATEGORIES


def _write_atomic(target: Path, write) -> None:
    """Write through a temporary name so an interrupted run leaves no half file."""
    tmp = target.with_name(target.name + ".partial")
    write(tmp)
    os.replace(tmp, target)
