"""Which city (data set) a model belongs to: one registered model per city, and a champion
only challenged by a model of the same data set.

A forecast trained on Houston once replaced the demo city's champion because its backtest
deviance, measured on other data, was lower, and planners then got Houston's beats for
2010. So every city has registered models of its own — ``triage-<city>`` and
``forecast-<city>``; the demo city (the simulator's) keeps the plain ``triage`` and
``forecast`` so existing champions and ``make demo`` keep working — and ``jingqing serve
--city NAME`` chooses which city is served (the demo city by default).

Within one registered model a data-set identity is tagged on every version: for a forecast
its grids (a hash of the ids), time zone and source (simulated or a city's records); for
triage its source and label coding (the label map in force). A champion is only challenged
by a version of the same identity; another one is kept as ``@challenger`` and the command
says why.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

__all__ = [
    "DATASET_TAG",
    "DEMO_CITY",
    "KINDS",
    "city_of",
    "default_city",
    "file_source",
    "forecast_dataset",
    "known_cities",
    "model_name",
    "other_dataset_reason",
    "triage_dataset",
    "valid_city",
]

DATASET_TAG = "dataset"
CITY_TAG = "city"
DEMO_CITY = "demo"
KINDS = ("triage", "forecast")
_CITY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Folder names that say nothing about a city; the file's own name is used then.
_GENERIC_FOLDERS = {"", ".", "data", "tmp", "exports", "export", "calls", "input", "downloads"}


def forecast_dataset(grid_ids: list[str], timezone: str, source: str | None = None) -> str:
    """A short, stable name: ``51 grids, Asia/Shanghai, 3f9c0a1b2d[, simulated]``."""
    digest = hashlib.sha256("\n".join(sorted(map(str, grid_ids))).encode()).hexdigest()[:10]
    name = f"{len(grid_ids)} grids, {timezone}, {digest}"
    return f"{name}, {source}" if source else name


def triage_dataset(source: str, label_map: str | Path | None) -> str:
    """``simulated, national label map`` or ``records, label map 1a2b3c4d5e``."""
    if label_map is None:
        return f"{source}, national label map"
    digest = hashlib.sha256(Path(label_map).read_bytes()).hexdigest()[:10]
    return f"{source}, label map {digest}"


def _parts(dataset: str) -> list[str]:
    return [p.strip() for p in dataset.split(",")]


def same_dataset(a: str, b: str) -> bool:
    """Equal identities; a version tagged before the source was part of it (three parts)
    matches on what it has."""
    pa, pb = _parts(a), _parts(b)
    if len(pa) != len(pb) and {len(pa), len(pb)} == {3, 4}:
        return pa[:3] == pb[:3]
    return pa == pb


def other_dataset_reason(champion_dataset: str | None, dataset: str | None) -> str | None:
    """Why the new model must not challenge the champion, or None when it may."""
    if dataset is None or champion_dataset is None or same_dataset(champion_dataset, dataset):
        return None
    return (
        f"the champion was trained on another data set ({champion_dataset}; this one: "
        f"{dataset}); models of different cities are not compared — name this city with "
        "--city"
    )


def valid_city(city: str) -> str:
    """``city`` lower-cased, or a ``UserError`` when it cannot name a registered model."""
    from features.errors import UserError

    name = str(city).strip().lower()
    if not _CITY.match(name):
        raise UserError(
            f"--city {city!r}: use 1-40 lower-case letters, digits, '-' or '_' "
            "(e.g. houston), starting with a letter or digit"
        )
    return name


def model_name(kind: str, city: str = DEMO_CITY) -> str:
    """The registered model of ``kind`` for ``city``: ``forecast`` (demo), ``forecast-houston``."""
    return kind if city == DEMO_CITY else f"{kind}-{city}"


def city_of(name: str) -> tuple[str, str] | None:
    """``(kind, city)`` of a registered model name, or None when it is not one of ours."""
    for kind in KINDS:
        if name == kind:
            return kind, DEMO_CITY
        if name.startswith(f"{kind}-") and _CITY.match(name[len(kind) + 1 :]):
            return kind, name[len(kind) + 1 :]
    return None


def known_cities(names: list[str]) -> dict[str, list[str]]:
    """``{city: [kinds]}`` from registered model names (sorted, demo first)."""
    found: dict[str, list[str]] = {}
    for name in names:
        parsed = city_of(name)
        if parsed is not None:
            found.setdefault(parsed[1], []).append(parsed[0])
    order = sorted(found, key=lambda c: (c != DEMO_CITY, c))
    return {city: sorted(found[city], key=KINDS.index) for city in order}


def file_source(path: str | Path) -> str:
    """``simulated`` when the calls file is the simulator's (its phrasing column), else
    ``records``; reads the header only."""
    import pandas as pd

    from training.triage.own import SIMULATED_MARK

    path = Path(path)
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            columns = pq.read_schema(path).names
        else:
            columns = list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
    except Exception:  # an unreadable file is the loader's error to report
        return "records"
    return "simulated" if SIMULATED_MARK in columns else "records"


def default_city(calls: str | Path, source: str) -> tuple[str, str]:
    """``(city, why)`` when ``--city`` is not given: the demo city for the simulator's
    calls, otherwise the calls file's folder (``data/houston-2010/offenses.csv.gz`` →
    ``houston-2010``), or its name when the folder is a generic one."""
    if source == "simulated":
        return DEMO_CITY, "the simulator's calls"
    path = Path(calls)
    stem = path.name.split(".")[0]
    for raw in (path.resolve().parent.name, stem):
        if raw.lower() in _GENERIC_FOLDERS:
            continue
        slug = re.sub(r"[^a-z0-9_-]+", "-", raw.lower()).strip("-_")[:40]
        if slug and _CITY.match(slug):
            return slug, f"a new city named after {raw!r}; choose the name with --city"
    return "records", "no usable file name; choose with --city"


def resolve_city(
    kind: str, city: str | None, calls: str | Path, source: str, dataset: str
) -> tuple[str, str]:
    """The city a training run registers under, and a note saying how it was chosen.

    ``--city`` wins. Otherwise: the demo city for the simulator's calls; for a city's own
    records the city whose champion has the same data-set identity (a retrain goes where
    the last one went), else the default city while it has no champion (one city, no
    flags), else a new city named after the file (:func:`default_city`).
    """
    if city:
        return valid_city(city), "given with --city"
    if source == "simulated":
        return DEMO_CITY, "the simulator's calls"
    from training import tracking

    tracking.configure()
    champions = tracking.champions(kind)
    for name, version in champions.items():
        tag = version.tags.get(DATASET_TAG)
        if tag and same_dataset(tag, dataset):
            return city_of(name)[1], f"the data set of {name}@champion"
    if model_name(kind) not in champions:
        return DEMO_CITY, "the default city has no champion yet; name another with --city"
    return default_city(calls, source)


def triage_identity(
    city: str | None, calls: str | Path, own: bool, label_map: str | Path | None
) -> tuple[str, str, str, str]:
    """``(city, registered model name, data-set identity, why this city)`` of a triage
    training run."""
    source = "records" if own else "simulated"
    dataset = triage_dataset(source, label_map)
    city, why = resolve_city("triage", city, calls, source, dataset)
    return city, model_name("triage", city), dataset, why
