"""The watched fields of many answers as columns: what the drift figures are computed from.

The live monitor keeps a week of audit rows between ``/metrics`` scrapes (~94k at 100k
calls a day). As Python dicts they took 49.6 MB and every scrape walked them in Python
loops (~0.5 s of CPU); as columns they take ~40 bytes a row, a window is one comparison of
times, and the figures are a few ``np.bincount`` calls (``features.monitoring.report``).

Labels are stored as codes into a :class:`Vocabulary` that only grows, so rows appended
later share the codes of rows read before; the figures read labels, never codes, so two
stores holding the same rows in any vocabulary give the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features.labels import DEFAULT_TIMEZONE
from features.monitoring.drift import HIST_EDGES, MIX_FIELDS, as_labels

NO_TIME = np.iinfo(np.int64).min  # NaT's int64: never inside a window, never a day


class Vocabulary:
    """Label strings and their codes, in the order they were first seen."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._codes: dict[str, int] = {}

    def codes(self, labels: Sequence[str]) -> np.ndarray:
        get, out = self._codes.get, np.empty(len(labels), dtype=np.int32)
        for i, label in enumerate(labels):
            code = get(label)
            if code is None:
                code = self._codes[label] = len(self.labels)
                self.labels.append(label)
            out[i] = code
        return out


def hist_bins(values: np.ndarray, name: str) -> np.ndarray:
    """Bin of each value in ``HIST_EDGES[name]`` as ``np.histogram`` of the clipped values
    counts it (the last bin holds its right edge; NaN gets -1 and is in no bin)."""
    edges = np.asarray(HIST_EDGES[name])
    clipped = np.clip(values, 0.0, 1.0)
    bins = np.searchsorted(edges, clipped, side="right") - 1
    bins[clipped == edges[-1]] = len(edges) - 2
    bins[np.isnan(clipped)] = -1
    return bins.astype(np.int8)


@dataclass
class WatchedRows:
    """Rows of watched fields (``features.monitoring.scoring.WATCHED``) as columns.

    ``time_ns`` is UTC nanoseconds (``NO_TIME`` when the time did not parse), ``day`` the
    local calendar day as nanoseconds of its naive midnight (``local_days``), ``offset`` the
    row's byte offset in the audit log (0 for calls scored from a file). ``missing`` marks
    values that were absent (``None``): such a field is not watched in a window that holds
    one (``disposition``: unless every value is absent: a model without a router).
    """

    timezone: str
    time_ns: np.ndarray
    day: np.ndarray
    offset: np.ndarray
    codes: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    bins: dict[str, np.ndarray]
    vocab: dict[str, Vocabulary] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.time_ns)

    @classmethod
    def empty(cls, timezone: str = DEFAULT_TIMEZONE, vocab: dict | None = None) -> WatchedRows:
        return cls.from_columns({}, np.empty(0, dtype=np.int64), timezone=timezone, vocab=vocab)

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Sequence | np.ndarray | None],
        time_ns: np.ndarray,
        *,
        offset: np.ndarray | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        vocab: dict[str, Vocabulary] | None = None,
    ) -> WatchedRows:
        """Rows from one sequence of values per watched field (None: absent in every row)."""
        n = len(time_ns)
        vocab = vocab if vocab is not None else {f: Vocabulary() for f in MIX_FIELDS}
        codes, missing, values, bins = {}, {}, {}, {}
        for name in MIX_FIELDS:
            raw = columns.get(name)
            raw = [None] * n if raw is None else raw
            missing[name] = np.fromiter((v is None for v in raw), dtype=bool, count=n)
            codes[name] = vocab[name].codes(as_labels(name, raw))
        for name in HIST_EDGES:
            raw = columns.get(name)
            values[name] = _floats([None] * n if raw is None else raw)
            missing[name] = np.isnan(values[name])
            bins[name] = hist_bins(values[name], name)
        time_ns = np.asarray(time_ns, dtype=np.int64)
        return cls(
            timezone,
            time_ns,
            _local_day(time_ns, timezone),
            np.zeros(n, dtype=np.int64) if offset is None else np.asarray(offset, np.int64),
            codes,
            missing,
            values,
            bins,
            vocab,
        )

    @classmethod
    def from_scores(
        cls, scores: Mapping, received_at: pd.Series, timezone: str = DEFAULT_TIMEZONE
    ) -> WatchedRows:
        """Rows from a model's scores of calls received at ``received_at`` (naive: local)."""
        stamps = pd.DatetimeIndex(pd.to_datetime(received_at))
        if stamps.tz is None:
            stamps = stamps.tz_localize(timezone)
        time_ns = stamps.tz_convert("UTC").as_unit("ns").asi8
        return cls.from_columns(scores, time_ns, timezone=timezone)

    def take(self, keep: np.ndarray) -> WatchedRows:
        """The rows where ``keep`` (a mask or positions) holds, sharing the vocabulary."""
        return WatchedRows(
            self.timezone,
            self.time_ns[keep],
            self.day[keep],
            self.offset[keep],
            {k: v[keep] for k, v in self.codes.items()},
            {k: v[keep] for k, v in self.missing.items()},
            {k: v[keep] for k, v in self.values.items()},
            {k: v[keep] for k, v in self.bins.items()},
            self.vocab,
        )

    def extend(self, *more: WatchedRows) -> WatchedRows:
        """These rows followed by those of ``more`` (built with the same vocabulary)."""
        if any(part.vocab is not self.vocab for part in more):
            raise ValueError("rows of another vocabulary")
        parts = (self, *more)

        def cat_all(name: str) -> dict:
            mine = getattr(self, name)
            return {k: np.concatenate([getattr(p, name)[k] for p in parts]) for k in mine}

        return WatchedRows(
            self.timezone,
            np.concatenate([p.time_ns for p in parts]),
            np.concatenate([p.day for p in parts]),
            np.concatenate([p.offset for p in parts]),
            cat_all("codes"),
            cat_all("missing"),
            cat_all("values"),
            cat_all("bins"),
            self.vocab,
        )

    def watched(self, name: str) -> bool:
        """Whether field ``name`` is watched in these rows (see the class docstring)."""
        absent = self.missing[name]
        return not absent.all() if name == "disposition" else not absent.any()

    def label_counts(self, name: str, rows: np.ndarray | None = None) -> dict[str, int]:
        """Rows per label of a mix field (labels in sorted order; only labels present)."""
        codes = self.codes[name] if rows is None else self.codes[name][rows]
        return counts_by_label(np.bincount(codes), self.vocab[name].labels)

    def decoded(self) -> dict[str, list]:
        """Every column as plain values, labels decoded (NaN as None): two stores hold the
        same rows exactly when these are equal, whatever their vocabularies."""
        out: dict[str, list] = {
            "time_ns": self.time_ns.tolist(),
            "day": self.day.tolist(),
            "offset": self.offset.tolist(),
        }
        for name, codes in self.codes.items():
            labels = self.vocab[name].labels
            out[name] = [labels[c] for c in codes.tolist()]
        for name, values in self.values.items():
            out[name] = [None if v != v else v for v in values.tolist()]
            out[f"{name}_bin"] = self.bins[name].tolist()
        out.update({f"{name}_missing": v.tolist() for name, v in self.missing.items()})
        return out

    def nbytes(self) -> int:
        parts = [self.time_ns, self.day, self.offset]
        for group in (self.codes, self.missing, self.values, self.bins):
            parts.extend(group.values())
        return int(sum(p.nbytes for p in parts))


def counts_by_label(per_code: np.ndarray, labels: Sequence[str]) -> dict[str, int]:
    """Counts per code as counts per label (codes that share a label add up), sorted."""
    out: dict[str, int] = {}
    for code in np.flatnonzero(per_code):
        label = labels[code]
        out[label] = out.get(label, 0) + int(per_code[code])
    return dict(sorted(out.items()))


def iso_times_ns(times: Sequence) -> np.ndarray:
    """UTC nanoseconds of ISO 8601 times (``NO_TIME`` where one does not parse)."""
    if not len(times):
        return np.empty(0, dtype=np.int64)
    text = pd.Series([t if isinstance(t, str) else "" for t in times], dtype=object)
    stamps = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    return stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _local_day(time_ns: np.ndarray, timezone: str) -> np.ndarray:
    """Local midnight (naive, ns) of each UTC time; ``NO_TIME`` stays ``NO_TIME``."""
    stamps = pd.DatetimeIndex(time_ns.view("datetime64[ns]")).tz_localize("UTC")
    days = stamps.tz_convert(timezone).tz_localize(None).normalize()
    return np.asarray(days.as_unit("ns").asi8, dtype=np.int64)


def _floats(raw: Sequence) -> np.ndarray:
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "fiub":
        return raw.astype(float)
    out = np.empty(len(raw), dtype=float)
    for i, v in enumerate(raw):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            out[i] = np.nan
    return out
