"""Same incident, many calls: score whether a later call reports an earlier call's event.

A pair of calls (earlier ``a``, later ``b``) is a candidate when ``b`` came at most
``window_s`` after ``a`` and from nearby: within ``max_km`` when both have coordinates, else
the same or a neighbouring grid. Its score is a logistic model of five signals: the time
gap, the distance (or same/neighbour grid), whether the categories agree (unknown when
either is missing), and the similarity of the two texts (cosine of character 1–3-gram
counts; chosen over the Jaccard similarity of bigram sets, which MinHash estimates, by
``benchmarks/linking/run.py``). Coefficients and the threshold are learned on the
simulator's incidents (``training/link/fit.py``) and shipped in ``linking_params.json``.

One scorer serves both uses: ``link_calls`` gives every call of a table an
``incident_id`` (each call joins the best-scoring earlier call above the threshold), and
the service scores a new call against its store of recent calls (``score_against``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "FEATURES",
    "LinkParams",
    "Linker",
    "candidate_pairs",
    "link_calls",
    "neighbour_map",
]

PARAMS_PATH = Path(__file__).with_name("linking_params.json")
FEATURES = (
    "gap",
    "distance",
    "no_coords",
    "same_grid",
    "neighbour_grid",
    "category",
    "text",
    "gap_no_coords",
    "text_no_coords",
)
_EPOCH = pd.Timestamp(0, tz="UTC")
_PUNCT = str.maketrans({c: None for c in " ，。、：；！？,.:;!?（）()【】“”\"'…-—~～"})


@dataclass
class LinkParams:
    """What the scorer needs; learned by ``training/link/fit.py``."""

    window_s: float = 1800.0
    max_km: float = 1.5
    ngram: tuple[int, int] = (1, 3)
    coef: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    intercept: float = 0.0
    threshold: float = 0.5
    trained_on: str = ""

    def to_json(self, path: str | Path) -> Path:
        path = Path(path)
        data = asdict(self) | {"features": list(FEATURES)}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_json(cls, path: str | Path = PARAMS_PATH) -> LinkParams:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.pop("features", list(FEATURES)) != list(FEATURES):
            raise ValueError(f"{path}: features differ from {FEATURES}; refit the linker")
        data["ngram"] = tuple(data["ngram"])
        return cls(**data)


def clean_text(text: str) -> str:
    """The form texts are compared in: width and case folded, no punctuation or spaces.

    Texts arrive masked (the calls loader and the recent-calls store mask them), so a
    phone number never becomes a shared n-gram.
    """
    return unicodedata.normalize("NFKC", text or "").lower().translate(_PUNCT)


def _profile(calls: Calls, k: int) -> tuple[Counter, float]:
    """Character n-gram counts of ``calls.texts[k]`` and their norm, computed once."""
    got = calls.profiles.get(k)
    if got is None:
        s = clean_text(calls.texts[k])
        lo, hi = calls.ngram
        grams = Counter(s[p : p + n] for n in range(lo, hi + 1) for p in range(len(s) - n + 1))
        got = (grams, math.sqrt(sum(v * v for v in grams.values())))
        calls.profiles[k] = got
    return got


def text_cosine(a: Calls, i: np.ndarray, b: Calls, j: np.ndarray) -> np.ndarray:
    """Cosine similarity of the character n-gram counts of texts ``a[i]`` and ``b[j]``.

    Exact counts in dictionaries: the few pairs that are candidates cost microseconds each,
    which is cheaper than vectorising every text of a table, and a single call needs no
    vectoriser at all. Pairs go in order of the later call so a table's profiles can be
    dropped once no later pair needs them.
    """
    out = np.zeros(len(i))
    order = np.argsort(j, kind="stable")
    for start in range(0, len(order), 4096):
        block = order[start : start + 4096]
        if a is b and a.profiles:
            low = int(i[block].min())
            for key in [key for key in a.profiles if key < low]:
                del a.profiles[key]
        for r in block:
            ga, na = _profile(a, int(i[r]))
            gb, nb = _profile(b, int(j[r]))
            if len(ga) > len(gb):
                ga, gb = gb, ga
            dot = sum(v * gb.get(g, 0) for g, v in ga.items())
            out[r] = dot / (na * nb) if na and nb else 0.0
    return out


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def neighbour_map(grids) -> dict[str, frozenset[str]]:
    """Grids that share a border or a corner with each grid (from a ``GridSet``)."""
    import shapely

    geoms = np.asarray(grids.geometries, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(shapely.buffer(geoms, 1e-6), predicate="intersects")
    out: dict[str, set[str]] = {str(g): set() for g in grids.ids}
    for a, b in zip(left, right, strict=True):
        if a != b:
            out[str(grids.ids[a])].add(str(grids.ids[b]))
    return {k: frozenset(v) for k, v in out.items()}


def _as_float(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, (pd.Series, np.ndarray)):
        return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return np.array([_float(v) for v in values], dtype=float)


def _float(value) -> float:
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def _as_str(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    if isinstance(values, (pd.Series, np.ndarray)):
        return pd.Series(values, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


def _seconds(values) -> np.ndarray:
    """Seconds since the epoch; tz-aware times in a list skip pandas (one call: microseconds)."""
    if isinstance(values, (list, tuple)) and all(
        isinstance(v, dt.datetime) and v.tzinfo is not None for v in values
    ):
        return np.array([v.timestamp() for v in values], dtype=float)
    times = pd.to_datetime(pd.Series(values), utc=True)
    return ((times - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)


@dataclass
class Calls:
    """Columns of calls as arrays: seconds since epoch, texts, places, categories."""

    t: np.ndarray
    texts: list[str] | None
    lat: np.ndarray
    lon: np.ndarray
    grid: np.ndarray
    category: np.ndarray
    ngram: tuple[int, int] = (1, 3)
    profiles: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls, received_at, texts, grid_id=None, lat=None, lon=None, category=None, *, ngram=(1, 3)
    ) -> Calls:
        t = _seconds(received_at)
        n = len(t)
        return cls(
            t=t,
            texts=None if texts is None else [str(x) for x in texts],
            lat=_as_float(lat, n),
            lon=_as_float(lon, n),
            grid=_as_str(grid_id, n),
            category=_as_str(category, n),
            ngram=tuple(ngram),
        )

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, ngram=(1, 3)) -> Calls:
        """The calls of a validated frame (``received_at``, ``text``; the rest if present)."""
        cols = (df.get(c) for c in ("grid_id", "lat", "lon", "category"))
        return cls.build(df["received_at"], df["text"].fillna(""), *cols, ngram=ngram)


def pair_features(
    a: Calls,
    i: np.ndarray,
    b: Calls,
    j: np.ndarray,
    params: LinkParams,
    neighbours: dict[str, frozenset[str]] | None = None,
) -> np.ndarray:
    """The ``FEATURES`` of pairs ``(a[i], b[j])``, one row per pair, all in [-1, 1]."""
    gap = np.abs(b.t[j] - a.t[i]) / params.window_s
    km = haversine_km(a.lat[i], a.lon[i], b.lat[j], b.lon[j])
    has = np.isfinite(km)
    distance = np.where(has, np.minimum(np.nan_to_num(km, nan=0.0), params.max_km), 0.0)
    ga, gb = a.grid[i], b.grid[j]
    known = (ga != "") & (gb != "")
    same = known & (ga == gb)
    near = np.zeros(len(i), dtype=bool)
    if neighbours:
        empty: frozenset[str] = frozenset()
        near = (
            np.array(
                [y in neighbours.get(x, empty) for x, y in zip(ga, gb, strict=True)], dtype=bool
            )
            & known
            & ~same
        )
    ca, cb = a.category[i], b.category[j]
    category = np.where((ca == "") | (cb == ""), 0.0, np.where(ca == cb, 1.0, -1.0))
    text = text_cosine(a, i, b, j)
    grid_only = (~has).astype(float)
    return np.column_stack(
        [
            gap,
            distance / params.max_km,
            grid_only,
            same,
            near,
            category,
            text,
            gap * grid_only,
            text * grid_only,
        ]
    ).astype(float)


def candidate_pairs(
    calls: Calls, params: LinkParams, neighbours: dict[str, frozenset[str]] | None = None
):
    """Pairs ``(i, j)``, ``i`` earlier than ``j`` (``calls`` sorted by time), that may link.

    Vectorised over the offset ``k`` between the two calls in time order, so a year of a
    city costs a few dozen array passes instead of a Python loop per call.
    """
    n = len(calls.t)
    left, right = [], []
    for k in range(1, n):
        i = np.arange(n - k)
        j = i + k
        ok = calls.t[j] - calls.t[i] <= params.window_s
        if not ok.any():
            break
        i, j = i[ok], j[ok]
        near = _near(calls, i, j, params, neighbours)
        left.append(i[near])
        right.append(j[near])
    if not left:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(left), np.concatenate(right)


def _near(calls: Calls, i, j, params: LinkParams, neighbours) -> np.ndarray:
    """Within ``max_km``; without coordinates, the same or a neighbouring grid."""
    km = haversine_km(calls.lat[i], calls.lon[i], calls.lat[j], calls.lon[j])
    has = np.isfinite(km)
    gi, gj = calls.grid[i], calls.grid[j]
    same = (gi != "") & (gi == gj)
    grid_ok = same.copy()
    if neighbours:
        empty: frozenset[str] = frozenset()
        rest = np.flatnonzero(~same & (gi != "") & (gj != "") & ~has)
        grid_ok[rest] = [gj[r] in neighbours.get(gi[r], empty) for r in rest]
    return np.where(has, km <= params.max_km, grid_ok)


class Linker:
    """Scores call pairs with the learned logistic model and links above the threshold."""

    def __init__(
        self, params: LinkParams | None = None, neighbours: dict[str, frozenset[str]] | None = None
    ) -> None:
        self.params = params or LinkParams.from_json()
        self.neighbours = neighbours

    def scores(self, features: np.ndarray) -> np.ndarray:
        z = features @ np.asarray(self.params.coef) + self.params.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def score_pairs(self, a: Calls, i, b: Calls, j) -> np.ndarray:
        return self.scores(pair_features(a, i, b, j, self.params, self.neighbours))

    def nearby(self, new: Calls, earlier: Calls) -> np.ndarray:
        """Which ``earlier`` calls are candidates for the one call in ``new``.

        Needs no texts, so a caller can fetch only the candidates' texts.
        """
        m = len(earlier.t)
        gap = new.t[0] - earlier.t
        both = Calls(
            t=np.concatenate([earlier.t, new.t]),
            texts=None,
            lat=np.concatenate([earlier.lat, new.lat]),
            lon=np.concatenate([earlier.lon, new.lon]),
            grid=np.concatenate([earlier.grid, new.grid]),
            category=np.concatenate([earlier.category, new.category]),
        )
        ok = (gap >= 0) & (gap <= self.params.window_s)
        return ok & _near(both, np.arange(m), np.full(m, m), self.params, self.neighbours)

    def score_against(self, new: Calls, earlier: Calls) -> np.ndarray:
        """Score of one new call (``new`` has one row) against each earlier call.

        Calls outside the window or too far away score 0.
        """
        m = len(earlier.t)
        out = np.zeros(m)
        ok = self.nearby(new, earlier)
        if ok.any():
            i = np.flatnonzero(ok)
            out[ok] = self.score_pairs(earlier, i, new, np.zeros(len(i), dtype=np.int64))
        return out


def join_incidents(n: int, i: np.ndarray, j: np.ndarray, score: np.ndarray, threshold: float):
    """Each call ``j`` joins its best-scoring earlier ``i`` at or above ``threshold``.

    Returns the first call of each call's incident (``root``), its ``parent`` (-1 when it
    starts one) and the parent's score. Calls must be in time order (``i < j``).
    """
    keep = score >= threshold
    i, j, score = i[keep], j[keep], score[keep]
    parent = np.full(n, -1)
    best = np.zeros(n)
    by_score = np.argsort(score, kind="stable")  # best last, so it wins the assignment
    parent[j[by_score]] = i[by_score]
    best[j[by_score]] = score[by_score]
    root = np.arange(n)
    for r in np.flatnonzero(parent >= 0):  # parents come first, so one pass finds roots
        root[r] = root[parent[r]]
    return root, parent, best


def link_calls(frame: pd.DataFrame, linker: Linker | None = None) -> pd.DataFrame:
    """``incident_id``, ``linked_to`` and ``link_score`` for every call of a calls table.

    Each call joins the incident of its best-scoring earlier call when that score reaches
    the threshold; otherwise it starts an incident. An incident is named by the ``call_id``
    of its first call.

    Args:
        frame: validated calls (``received_at`` and ``text``; ``grid_id``, ``lat``, ``lon``
            and ``category`` used when present), in any order.
        linker: the scorer (the shipped parameters by default).
    """
    linker = linker or Linker()
    order = np.argsort(pd.to_datetime(frame["received_at"], utc=True).to_numpy(), kind="stable")
    df = frame.iloc[order]
    calls = Calls.from_frame(df, ngram=linker.params.ngram)
    i, j = candidate_pairs(calls, linker.params, linker.neighbours)
    score = linker.score_pairs(calls, i, calls, j)
    root, parent, best = join_incidents(len(df), i, j, score, linker.params.threshold)
    ids = df["call_id"].astype(str).to_numpy()
    out = pd.DataFrame(
        {
            "incident_id": ids[root],
            "linked_to": np.where(parent >= 0, ids[np.maximum(parent, 0)], ""),
            "link_score": np.round(best, 4),
        },
        index=df.index,
    )
    return out.loc[frame.index]
