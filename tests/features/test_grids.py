"""Grids: GeoJSON in and out, lattice over real Houston coordinates, exact edge handling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from features.errors import UserError
from features.grids import GridSet

HOUSTON_BOX = (29.4, 30.3, -95.95, -94.9)  # lat min/max, lon min/max from the data's README


@pytest.fixture(scope="module")
def houston(houston_csv: Path) -> pd.DataFrame:
    return pd.read_csv(houston_csv, usecols=["lat", "lon"])


def two_squares() -> GridSet:
    """Two unit squares sharing the edge lon = 1 (and a MultiPolygon third grid)."""
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(1, 0, 2, 1)
    c = shapely.MultiPolygon([shapely.box(3, 0, 4, 1), shapely.box(5, 0, 6, 1)])
    return GridSet(["A", "B", "C"], [a, b, c], ["residential", "commercial", "industrial"])


def test_lattice_on_houston_assigns_in_area_points_and_flags_far_ones(houston) -> None:
    lat, lon = houston["lat"].to_numpy(), houston["lon"].to_numpy()
    grids = GridSet.lattice(lat, lon, 2000)
    ids = grids.assign(lat, lon)
    lo_lat, hi_lat, lo_lon, hi_lon = HOUSTON_BOX
    in_area = (lat >= lo_lat) & (lat <= hi_lat) & (lon >= lo_lon) & (lon <= hi_lon)
    far = np.isfinite(lat) & ~in_area
    assert far.sum() == 210  # the README's ~215 quirks: 210 far away + 5 without coordinates
    assigned = ~pd.isna(ids)
    assert assigned[in_area].mean() > 0.99
    assert not assigned[far].any()
    assert grids.outside(lat, lon)[far].all()
    assert set(ids[assigned]) <= set(grids.ids)
    assert all(k == "lattice" for k in grids.kinds)


def test_lattice_cells_are_the_requested_size(houston) -> None:
    grids = GridSet.lattice(houston["lat"], houston["lon"], 2000)
    cell = grids.geometries[0]
    west, south, east, north = cell.bounds
    height_m = np.radians(north - south) * 6_371_008.8
    width_m = np.radians(east - west) * 6_371_008.8 * np.cos(np.radians(29.8))
    assert height_m == pytest.approx(2000, rel=1e-6)
    assert width_m == pytest.approx(2000, rel=0.01)


def test_lattice_with_given_bounds_and_arithmetic_matches_polygons(houston, tmp_path) -> None:
    lat, lon = houston["lat"].to_numpy(), houston["lon"].to_numpy()
    grids = GridSet.lattice(lat, lon, 3000, bounds=(29.5, -95.8, 30.1, -95.0))
    arithmetic = grids.assign(lat, lon)
    polygons = GridSet.from_geojson(grids.to_geojson(tmp_path / "lattice.geojson"))
    by_tree = polygons.assign(lat, lon)
    inside = ~pd.isna(arithmetic)
    assert inside.sum() > 80_000
    agree = (arithmetic == by_tree) | (pd.isna(arithmetic) & pd.isna(by_tree))
    assert agree.mean() > 0.9999  # float rounding on cell edges only


def test_geojson_round_trip_keeps_ids_kinds_and_shapes(tmp_path: Path) -> None:
    grids = two_squares()
    back = GridSet.from_geojson(grids.to_geojson(tmp_path / "g.geojson"))
    assert list(back.ids) == ["A", "B", "C"]
    assert list(back.kinds) == ["residential", "commercial", "industrial"]
    for a, b in zip(grids.geometries, back.geometries, strict=True):
        assert a.equals(b)
    cents = back.centroids()
    assert list(cents.columns) == ["grid_id", "kind", "lat", "lon"]
    assert cents.loc[0, "lon"] == pytest.approx(0.5)


def test_points_on_shared_edges_get_exactly_one_grid() -> None:
    grids = two_squares()
    lat = np.array([0.5, 0.5, 0.5, 0.0, 0.5, 0.5, 9.0, np.nan])
    lon = np.array([0.5, 1.0, 1.5, 1.0, 5.5, 2.5, 9.0, 1.0])
    ids = grids.assign(lat, lon)
    assert list(ids) == ["A", "A", "B", "A", "C", None, None, None]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("not json", "not valid GeoJSON"),
        ({"type": "Feature"}, "FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "no features"),
        (
            {"type": "FeatureCollection", "features": [{"properties": {}, "geometry": None}]},
            "no 'grid_id'",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "properties": {"grid_id": "g1"},
                        "geometry": {"type": "Point", "coordinates": [0, 0]},
                    }
                ],
            },
            "must be Polygon or MultiPolygon, got Point",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "properties": {"grid_id": "g1"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [500000, 3300000],
                                    [501000, 3300000],
                                    [501000, 3301000],
                                    [500000, 3300000],
                                ]
                            ],
                        },
                    }
                ],
            },
            "not WGS84",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "properties": {"grid_id": "bow"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                        },
                    }
                ],
            },
            "invalid polygon",
        ),
    ],
)
def test_bad_geojson_gives_a_clear_error(tmp_path: Path, doc, message: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    with pytest.raises(UserError, match=message):
        GridSet.from_geojson(path)


def test_missing_geojson_and_bad_cell_size_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        GridSet.from_geojson(tmp_path / "missing.geojson")
    with pytest.raises(UserError, match="between 50 m"):
        GridSet.lattice([30.0], [-95.0], 5)
