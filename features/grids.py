"""Dispatch grids: polygons from GeoJSON or a regular lattice, and point-to-grid assignment.

Forecasts are made per dispatch grid, but real exports carry either a grid id, a police
beat, or only coordinates. ``GridSet`` turns coordinates into grid ids in one of two ways:

* **polygons** (``from_geojson``): the city's own grid map. Points are matched with a
  shapely 2 ``STRtree`` in one vectorised query; a point on an edge shared by two grids
  goes to the grid listed first, so every point gets at most one grid.
* **a lattice** (``lattice``): square cells of a chosen size in metres over the data's
  extent, in a local equirectangular projection (exact enough at city scale: < 0.1 %
  distortion over 100 km). Assignment is arithmetic, no tree needed. Geocoding errors put a
  few points hundreds of km away, so the extent is robust: the 0.5–99.5 percentile box
  widened by a quarter of its span on each side (or bounds given by the user). Points
  outside it are reported by ``outside`` and never assigned.

GeoJSON convention: a FeatureCollection of Polygon / MultiPolygon features with properties
``grid_id`` (str), ``kind`` and ``name``, coordinates WGS84 lon/lat.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from features.errors import UserError

__all__ = ["GridSet", "LatticeSpec", "robust_bounds"]

EARTH_RADIUS_M = 6_371_008.8
LATTICE_KIND = "lattice"


def robust_bounds(
    lat: np.ndarray, lon: np.ndarray, pct: float = 0.5, widen: float = 0.25
) -> tuple[float, float, float, float]:
    """``(south, west, north, east)`` of the bulk of the points.

    The ``pct``–``100-pct`` percentile box ignores far-away geocoding errors; widening it by
    ``widen`` × its span keeps the genuine edge of the city (on Houston: 99.98 % of the
    in-area points kept, none of the ~210 far-away ones).
    """
    lat, lon = _coords(lat, lon)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not ok.any():
        raise UserError("no valid coordinates to build a lattice from")
    south, north = np.percentile(lat[ok], [pct, 100 - pct])
    west, east = np.percentile(lon[ok], [pct, 100 - pct])
    dlat, dlon = (north - south) * widen, (east - west) * widen
    return (
        float(max(south - dlat, -90)),
        float(max(west - dlon, -180)),
        float(min(north + dlat, 90)),
        float(min(east + dlon, 180)),
    )


@dataclass(frozen=True)
class LatticeSpec:
    """A regular lattice: origin of the projection, cell size and the cell counts."""

    south: float
    west: float
    cell_size_m: float
    nx: int
    ny: int
    lat0: float  # latitude whose cosine scales longitudes (centre of the extent)

    def _deg_per_m(self) -> tuple[float, float]:
        dlat = math.degrees(1 / EARTH_RADIUS_M)
        return dlat, dlat / math.cos(math.radians(self.lat0))

    def cell_index(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of each point's cell (may be out of range or NaN-derived)."""
        dlat, dlon = self._deg_per_m()
        with np.errstate(invalid="ignore"):
            iy = np.floor((lat - self.south) / (dlat * self.cell_size_m))
            ix = np.floor((lon - self.west) / (dlon * self.cell_size_m))
        return iy, ix

    def cell_box(self, iy: int, ix: int) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of a cell in degrees."""
        dlat, dlon = self._deg_per_m()
        s = self.south + iy * self.cell_size_m * dlat
        w = self.west + ix * self.cell_size_m * dlon
        return w, s, w + self.cell_size_m * dlon, s + self.cell_size_m * dlat

    @staticmethod
    def cell_id(iy: int, ix: int) -> str:
        """``r012c034``: row and column, zero-padded so ids sort spatially."""
        return f"r{iy:03d}c{ix:03d}"


def _coords(lat: object, lon: object) -> tuple[np.ndarray, np.ndarray]:
    lat_a = np.asarray(pd.to_numeric(pd.Series(np.asarray(lat).ravel()), errors="coerce"), float)
    lon_a = np.asarray(pd.to_numeric(pd.Series(np.asarray(lon).ravel()), errors="coerce"), float)
    if lat_a.shape != lon_a.shape:
        raise ValueError(f"lat and lon differ in length ({lat_a.size} vs {lon_a.size})")
    return lat_a, lon_a


class GridSet:
    """A set of dispatch grids with ids, kinds, names and WGS84 polygons."""

    def __init__(
        self,
        ids: list[str],
        geometries: list | np.ndarray,
        kinds: list[str] | None = None,
        names: list[str] | None = None,
        *,
        lattice_spec: LatticeSpec | None = None,
    ) -> None:
        self.ids = np.asarray([str(i) for i in ids], dtype=object)
        if len(set(self.ids)) != len(self.ids):
            dup = pd.Series(self.ids)[pd.Series(self.ids).duplicated()].iloc[0]
            raise UserError(f"grid id {dup!r} appears more than once")
        self.geometries = np.asarray(geometries, dtype=object)
        n = len(self.ids)
        self.kinds = np.asarray(kinds if kinds is not None else [""] * n, dtype=object)
        self.names = np.asarray(names if names is not None else list(self.ids), dtype=object)
        self.lattice_spec = lattice_spec
        self._tree: shapely.STRtree | None = None
        self._cell_lookup: np.ndarray | None = None
        if lattice_spec is not None:
            # cell number (row * nx + col) → grid id, None for cells not kept
            self._cell_lookup = np.full(lattice_spec.nx * lattice_spec.ny, None, dtype=object)
            for gid in self.ids:
                r, c = (int(part) for part in gid[1:].split("c"))
                self._cell_lookup[r * lattice_spec.nx + c] = gid

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        kind = "lattice" if self.lattice_spec else "polygons"
        return f"GridSet({len(self)} grids, {kind})"

    # ---------------------------------------------------------------- GeoJSON
    @classmethod
    def from_geojson(cls, path: str | Path, id_property: str = "grid_id") -> GridSet:
        """Read grid polygons; every defect is a one-line ``UserError`` naming the feature."""
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise UserError(f"{path}: cannot read grids file ({exc.strerror or exc})") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"{path}: not valid GeoJSON ({exc})") from exc
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise UserError(f"{path}: expected a GeoJSON FeatureCollection")
        features = doc.get("features")
        if not isinstance(features, list) or not features:
            raise UserError(f"{path}: the FeatureCollection has no features")
        ids, geoms, kinds, names = [], [], [], []
        for i, feat in enumerate(features, start=1):
            where = f"{path}: feature {i}"
            props = (feat or {}).get("properties") or {}
            gid = props.get(id_property)
            if gid is None or str(gid).strip() == "":
                raise UserError(f"{where}: no {id_property!r} property")
            where += f" ({id_property} {gid})"
            geom = (feat or {}).get("geometry")
            if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
                got = geom.get("type") if isinstance(geom, dict) else geom
                raise UserError(f"{where}: geometry must be Polygon or MultiPolygon, got {got}")
            try:
                poly = shape(geom)
            except (ValueError, TypeError, AttributeError, IndexError) as exc:
                raise UserError(f"{where}: malformed coordinates ({exc})") from exc
            if poly.is_empty:
                raise UserError(f"{where}: empty geometry")
            west, south, east, north = poly.bounds
            if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
                raise UserError(
                    f"{where}: coordinates {poly.bounds} are not WGS84 lon/lat degrees "
                    "(projected data must be converted to EPSG:4326)"
                )
            if not poly.is_valid:
                reason = shapely.is_valid_reason(poly)
                raise UserError(f"{where}: invalid polygon ({reason})")
            ids.append(str(gid).strip())
            geoms.append(poly)
            kinds.append(str(props.get("kind", "") or ""))
            names.append(str(props.get("name", "") or gid))
        return cls(ids, geoms, kinds, names)

    def to_geojson(self, path: str | Path) -> Path:
        """Write the grids as a FeatureCollection (``grid_id``, ``kind``, ``name``)."""
        path = Path(path)
        path.write_text(self.geojson_text(), encoding="utf-8")
        return path

    def geojson_text(self) -> str:
        """The grids as FeatureCollection text (``grid_id``, ``kind``, ``name``)."""
        features = [
            {
                "type": "Feature",
                "properties": {"grid_id": gid, "kind": kind, "name": name},
                "geometry": mapping(geom),
            }
            for gid, kind, name, geom in zip(
                self.ids, self.kinds, self.names, self.geometries, strict=True
            )
        ]
        doc = {"type": "FeatureCollection", "features": features}
        return json.dumps(doc, ensure_ascii=False)

    # ---------------------------------------------------------------- lattice
    @classmethod
    def lattice(
        cls,
        lat: np.ndarray,
        lon: np.ndarray,
        cell_size_m: float,
        bounds: tuple[float, float, float, float] | None = None,
        *,
        keep_empty: bool = False,
    ) -> GridSet:
        """Square cells of ``cell_size_m`` over ``bounds`` (south, west, north, east).

        Without ``bounds`` the extent is ``robust_bounds(lat, lon)``. Only cells holding at
        least one of the points are kept unless ``keep_empty``: a forecast for a cell that
        is all river or farmland is noise. Use ``outside(lat, lon)`` for the points left out.
        """
        if not (isinstance(cell_size_m, int | float) and math.isfinite(cell_size_m)):
            raise UserError(f"cell size must be a number of metres, got {cell_size_m!r}")
        if not 50 <= cell_size_m <= 100_000:
            raise UserError(f"cell size {cell_size_m:g} m is not between 50 m and 100 km")
        lat_a, lon_a = _coords(lat, lon)
        if bounds is None:
            south, west, north, east = robust_bounds(lat_a, lon_a)
            # all points on one line or spot: give the extent at least half a cell each way
            pad = math.degrees(cell_size_m / 2 / EARTH_RADIUS_M)
            if north - south < pad:
                south, north = south - pad, north + pad
            if east - west < pad:
                lon_pad = pad / max(math.cos(math.radians((south + north) / 2)), 0.01)
                west, east = west - lon_pad, east + lon_pad
        else:
            south, west, north, east = bounds
        if not (south < north and west < east):
            raise UserError(f"lattice bounds {bounds} are empty (need south<north, west<east)")
        lat0 = (south + north) / 2
        height = math.radians(north - south) * EARTH_RADIUS_M
        width = math.radians(east - west) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
        nx = max(1, math.ceil(width / cell_size_m - 1e-9))
        ny = max(1, math.ceil(height / cell_size_m - 1e-9))
        if nx * ny > 1_000_000:
            raise UserError(
                f"a {cell_size_m:g} m lattice over this extent has {nx * ny:,} cells; "
                "choose a larger cell size or smaller bounds"
            )
        spec = LatticeSpec(float(south), float(west), float(cell_size_m), nx, ny, lat0)
        # The lattice covers the bounds rounded up to whole cells; a point in that margin
        # belongs to its cell like any other.
        iy, ix = spec.cell_index(lat_a, lon_a)
        inside = (iy >= 0) & (iy < ny) & (ix >= 0) & (ix < nx)
        if keep_empty:
            cells = np.arange(nx * ny)
        else:
            cells = np.unique(iy[inside].astype(np.int64) * nx + ix[inside].astype(np.int64))
            if cells.size == 0:
                raise UserError("no points fall inside the lattice bounds")
        rows, cols = np.divmod(cells, nx)
        boxes = np.array([spec.cell_box(r, c) for r, c in zip(rows, cols, strict=True)])
        geoms = shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3])
        ids = [spec.cell_id(r, c) for r, c in zip(rows, cols, strict=True)]
        return cls(ids, geoms, [LATTICE_KIND] * len(ids), ids, lattice_spec=spec)

    # ---------------------------------------------------------------- queries
    def assign(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """The grid id of every point (object array), ``None`` where it is in no grid."""
        lat_a, lon_a = _coords(lat, lon)
        out = np.full(lat_a.shape, None, dtype=object)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if self.lattice_spec is not None:
            spec = self.lattice_spec
            iy, ix = spec.cell_index(lat_a, lon_a)
            ok &= (iy >= 0) & (iy < spec.ny) & (ix >= 0) & (ix < spec.nx)
            cell = iy[ok].astype(np.int64) * spec.nx + ix[ok].astype(np.int64)
            out[ok] = self._cell_lookup[cell]
            return out
        if self._tree is None:
            self._tree = shapely.STRtree(self.geometries)
        pos = np.flatnonzero(ok)
        points = shapely.points(lon_a[pos], lat_a[pos])
        # "intersects" (not "within") so points on an edge are found; ties go to the
        # lowest grid index, giving exactly one grid per point.
        pt, grid = self._tree.query(points, predicate="intersects")
        order = np.lexsort((grid, pt))
        pt, grid = pt[order], grid[order]
        first = np.unique(pt, return_index=True)[1]
        out[pos[pt[first]]] = self.ids[grid[first]]
        return out

    def outside(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """True for points that have coordinates but fall in no grid."""
        lat_a, lon_a = _coords(lat, lon)
        has = np.isfinite(lat_a) & np.isfinite(lon_a)
        return has & pd.isna(self.assign(lat_a, lon_a))

    def centroids(self) -> pd.DataFrame:
        """``grid_id, kind, lat, lon`` of each grid's centroid (for maps and features)."""
        cent = shapely.centroid(self.geometries)
        return pd.DataFrame(
            {
                "grid_id": self.ids.astype(str),
                "kind": self.kinds.astype(str),
                "lat": shapely.get_y(cent),
                "lon": shapely.get_x(cent),
            }
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """``(south, west, north, east)`` of all grids together."""
        west, south, east, north = shapely.total_bounds(self.geometries)
        return float(south), float(west), float(north), float(east)

    def describe(self) -> str:
        """One line for messages: how many grids and where."""
        s, w, n, e = self.bounds()
        what = f"{self.lattice_spec.cell_size_m:g} m lattice" if self.lattice_spec else "polygons"
        return f"{len(self)} grids ({what}) over lat {s:.3f}–{n:.3f}, lon {w:.3f}–{e:.3f}"
