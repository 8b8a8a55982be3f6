"""Grids in metres: a local projection, uniform points inside polygons, nearest neighbours.

A local equirectangular projection around the grids' centre is exact enough at city scale
(< 0.1 % distortion over 100 km, as in ``features.grids``). Distances are straight lines in
metres; the road network's detour is the travel model's road factor.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape

from features.errors import UserError
from features.grids import EARTH_RADIUS_M, GridSet

__all__ = ["GridGeometry"]


@dataclass
class GridGeometry:
    """Grid ids and polygons in a local metric projection (x east, y north, metres)."""

    ids: np.ndarray
    polygons: np.ndarray
    lat0: float
    lon0: float

    @classmethod
    def from_polygons(cls, ids, lonlat_polygons) -> GridGeometry:
        """From WGS84 lon/lat shapely polygons."""
        geoms = np.asarray(lonlat_polygons, dtype=object)
        if len(geoms) == 0:
            raise UserError("no grids to plan for")
        empty = np.flatnonzero(~(shapely.area(geoms) > 0))
        if len(empty):
            raise UserError(
                f"grid {list(ids)[empty[0]]!r} has an empty polygon ({len(empty)} grids); "
                "every grid needs an area to plan patrols in"
            )
        west, south, east, north = shapely.total_bounds(geoms)
        lat0, lon0 = (south + north) / 2, (west + east) / 2
        kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
        ky = math.radians(1) * EARTH_RADIUS_M

        def project(coords: np.ndarray) -> np.ndarray:
            return np.column_stack([(coords[:, 0] - lon0) * kx, (coords[:, 1] - lat0) * ky])

        metric = shapely.transform(geoms, project)
        return cls(np.asarray([str(i) for i in ids], dtype=object), metric, lat0, lon0)

    @classmethod
    def from_gridset(cls, grids: GridSet) -> GridGeometry:
        return cls.from_polygons(grids.ids, grids.geometries)

    @classmethod
    def from_geojson_text(cls, text: str) -> GridGeometry:
        """From a FeatureCollection with ``grid_id`` properties (the forecast model's own)."""
        try:
            doc = json.loads(text)
            feats = doc["features"]
            ids = [str(f["properties"]["grid_id"]) for f in feats]
            polys = [shape(f["geometry"]) for f in feats]
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(f"grid polygons are not usable GeoJSON ({exc})") from None
        return cls.from_polygons(ids, polys)

    @classmethod
    def from_centroids(cls, centroids: dict[str, tuple[float, float]], side_m: float = 1500.0):
        """Squares of ``side_m`` around (lon, lat) centroids when no polygons are known."""
        ids = list(centroids)
        kx = math.radians(1) * EARTH_RADIUS_M
        polys = []
        for gid in ids:
            lon, lat = centroids[gid]
            dlat = side_m / 2 / kx
            dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
            polys.append(shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat))
        return cls.from_polygons(ids, polys)

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, ids) -> GridGeometry:
        """The grids ``ids`` in that order (unknown ids are a ``UserError``)."""
        index = self.index_of(ids)
        return GridGeometry(self.ids[index], self.polygons[index], self.lat0, self.lon0)

    def index_of(self, ids) -> np.ndarray:
        pos = {g: i for i, g in enumerate(self.ids)}
        missing = [str(g) for g in ids if str(g) not in pos]
        if missing:
            raise UserError(
                f"grid_id {missing[0]!r} has no polygon ({len(missing)} grids without one)"
            )
        return np.array([pos[str(g)] for g in ids], dtype=np.int64)

    def to_xy(self, lat, lon) -> np.ndarray:
        """``(n, 2)`` metres for WGS84 coordinates."""
        kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))
        ky = math.radians(1) * EARTH_RADIUS_M
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        return np.column_stack([(lon - self.lon0) * kx, (lat - self.lat0) * ky])

    def centroids(self) -> np.ndarray:
        cent = shapely.centroid(self.polygons)
        return np.column_stack([shapely.get_x(cent), shapely.get_y(cent)])

    def areas_km2(self) -> np.ndarray:
        return shapely.area(self.polygons) / 1e6

    def sample(self, n: int, rng: np.random.Generator, *, triangles: bool = False) -> np.ndarray:
        """``(grids, n, 2)`` points uniformly inside each polygon: by rejection from the
        bounding box, or (``triangles``, no rejection: the travel model's many samples)
        from the polygon's triangles, each drawn in proportion to its area."""
        draw = points_in_triangles if triangles else points_in
        out = np.empty((len(self), n, 2))
        for g, poly in enumerate(self.polygons):
            out[g] = draw(poly, n, rng)
        return out

    def neighbours(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices ``(grids, L)`` of the ``L = min(count, grids-1)`` nearest other grids by
        centroid distance, and those distances in metres."""
        cent = self.centroids()
        n = len(self)
        take = max(0, min(count, n - 1))
        if take == 0:
            return np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0))
        idx = np.empty((n, take), dtype=np.int64)
        dist = np.empty((n, take))
        step = max(1, 4_000_000 // max(n, 1))  # bound the distance block's memory
        for lo in range(0, n, step):
            block = np.hypot(
                cent[lo : lo + step, None, 0] - cent[None, :, 0],
                cent[lo : lo + step, None, 1] - cent[None, :, 1],
            )
            rows = np.arange(block.shape[0])
            block[rows, lo + rows] = np.inf
            part = np.argpartition(block, take - 1, axis=1)[:, :take]
            pd_ = np.take_along_axis(block, part, axis=1)
            order = np.argsort(pd_, axis=1, kind="stable")
            idx[lo : lo + step] = np.take_along_axis(part, order, axis=1)
            dist[lo : lo + step] = np.take_along_axis(pd_, order, axis=1)
        return idx, dist


def points_in(polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 2)`` points uniformly inside ``polygon`` (same coordinates as the polygon)."""
    minx, miny, maxx, maxy = polygon.bounds
    ratio = max(polygon.area / max((maxx - minx) * (maxy - miny), 1e-12), 0.05)
    if ratio > 1 - 1e-9:  # the polygon fills its bounding box (a lattice square)
        return np.column_stack([rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)])
    shapely.prepare(polygon)
    parts = []
    have = 0
    while have < n:
        want = max(16, int((n - have) / ratio * 1.2))
        xy = np.column_stack([rng.uniform(minx, maxx, want), rng.uniform(miny, maxy, want)])
        keep = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]
        parts.append(keep)
        have += len(keep)
    return np.concatenate(parts)[:n]


def points_in_triangles(polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 2)`` points uniformly inside ``polygon`` from its constrained Delaunay
    triangles (GEOS): a triangle by area, then a uniform point in it (the parallelogram
    fold of two uniforms). Rejection sampling's cost without the rejections; a polygon
    GEOS cannot triangulate falls back to ``points_in``."""
    minx, miny, maxx, maxy = polygon.bounds
    if polygon.area >= (maxx - minx) * (maxy - miny) * (1 - 1e-9):
        return points_in(polygon, n, rng)  # a box: its own fast path
    tri = shapely.get_parts(shapely.constrained_delaunay_triangles(polygon))
    if len(tri) == 0:
        return points_in(polygon, n, rng)
    xy = shapely.get_coordinates(tri).reshape(len(tri), 4, 2)[:, :3]
    a, ab, ac = xy[:, 0], xy[:, 1] - xy[:, 0], xy[:, 2] - xy[:, 0]
    cum = np.cumsum(0.5 * np.abs(ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0]))
    if not cum[-1] > 0:
        return points_in(polygon, n, rng)
    pick = np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), len(tri) - 1)
    u, v = rng.random(n), rng.random(n)
    fold = u + v > 1
    u, v = np.where(fold, 1 - u, u), np.where(fold, 1 - v, v)
    out = np.empty((n, 2))
    for axis in (0, 1):  # one coordinate at a time: 1-D gathers
        out[:, axis] = a[pick, axis] + u * ab[pick, axis] + v * ac[pick, axis]
    return out
