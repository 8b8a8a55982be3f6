"""The synthetic city's layout: dispatch grids, their kinds, names, places and base rates.

The layout imitates a mid-sized Chinese prefecture seat (Simao, Pu'er; centre lat 24.77,
lon 100.97): grid seeds are denser in the centre (cells about 1 km across) and sparser at
the edge (about 3 km), and each grid is the Voronoi cell of its seed clipped to an
irregular city boundary. Kinds follow the usual concentric pattern of such cities:

* an old-town core of ``commercial`` grids with ``nightlife`` grids on one side (bar
  streets and night markets cluster, they do not spread evenly);
* one ``transport_hub`` in the core (coach station), the others further out (railway
  station on the ring, airport at the edge);
* a ring of ``residential`` grids;
* an edge of ``industrial`` grids clustered in one sector (an industrial park) and
  ``village`` grids (urban fringe villages) everywhere else.

The 51-grid default has 7 commercial, 5 nightlife, 3 transport hubs, 20 residential, 7
industrial and 9 village grids. ``base_rate`` is the long-run mean number of citizen calls
per day in the grid: kind weight x a heavy-tailed (lognormal, sigma 0.6) hotspot factor x
a mild size factor, scaled so the city makes 330 calls a day per 51 grids (Jining: 51
grids, >80,000 calls in about 8 months, see TAXONOMY.md). With sigma 0.6 the busiest 10% of
grids carry about a quarter of the calls, as hotspot studies report.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon, mapping
from shapely.geometry.polygon import orient

CENTRE_LAT = 24.77
CENTRE_LON = 100.97
KINDS: tuple[str, ...] = (
    "commercial",
    "residential",
    "nightlife",
    "industrial",
    "village",
    "transport_hub",
)
CALLS_PER_DAY_PER_GRID = 330.0 / 51.0  # Jining: about 330 calls a day over 51 grids

# Share of grids of each kind (51 grids: 7/20/5/7/9/3).
_KIND_SHARE = {
    "commercial": 0.14,
    "residential": 0.39,
    "nightlife": 0.10,
    "industrial": 0.13,
    "village": 0.18,
    "transport_hub": 0.06,
}
# Relative call volume of a grid of each kind before the hotspot factor.
_KIND_WEIGHT = {
    "commercial": 1.7,
    "residential": 1.0,
    "nightlife": 1.9,
    "industrial": 0.6,
    "village": 0.35,
    "transport_hub": 1.5,
}
_HOTSPOT_SIGMA = 0.6
_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTRE_LAT))


def _words(text: str) -> tuple[str, ...]:
    """Space-separated name lists are easier to read and extend than quoted tuples."""
    return tuple(text.split())


_AREA_STEMS = _words(
    "思茅 茶城 月光 倚象 南屏 龙潭 六顺 云仙 思茅港 洗马湖 梅子湖 营盘山 西门 东门 南门 北门 "
    "鹿鸣 白塔 振兴 人民 红旗 宁洱 翠云 普洱 太阳河 莲花 石屏 大寨 曼中田 茶苑 锦绣 滨江 "
    "凤凰 金鸡 西环 北环 东环 南环 城北 城南 江北 桃源 木乃河 菜阳河 宝石 世纪 园林 学府 "
    "团结 幸福 和平 胜利 复兴 新华 民主 光明 青年 文化 建设 朝阳 温泉 兴隆 财富 永宁 太和"
)
_KIND_SUFFIX = {
    "commercial": ("商圈", "步行街片区", "商业区", "中心片区", "广场片区"),
    "residential": ("社区", "片区", "新村", "小区片区", "街道"),
    "nightlife": ("夜市片区", "酒吧街", "滨河夜区", "美食街片区", "娱乐区"),
    "industrial": ("工业园", "物流园", "开发区", "产业园", "加工区"),
    "village": ("村", "寨", "村委会", "社区村", "坝子"),
    "transport_hub": ("客运站片区", "火车站片区", "机场片区", "高铁站片区", "公交枢纽"),
}
_ROAD_STEMS = _words(
    "振兴 人民 思茅 茶城 月光 滨江 环城 民主 红旗 鹿鸣 南屏 龙潭 倚象 迎宾 新华 文化 建设 "
    "胜利 团结 青年 宝石 西环 北环 东环 石屏 洗马 茶苑 锦华 太和 学府 凤凰 金鸡 白塔 营盘"
)
_ROAD_SUFFIX = ("路", "路", "街", "大道", "巷", "东路", "西路", "南路", "北路", "中路")
_ESTATE = _words(
    "阳光 碧桂园 万科 恒大 保利 绿地 锦绣 翠湖 龙湖 中海 紫薇 桂花 玉兰 海棠 丽景 康乐 和谐 "
    "书香 怡园 北辰 兰亭 水岸 江南 盛世 茶城 馨园 明珠 滨河 星河 天悦 华庭 御景 润城 蓝湾"
)
_ESTATE_SUFFIX = ("小区", "小区", "花园", "家园", "新村", "公寓", "华府", "家属院")
_LANDMARKS = {
    "commercial": (
        "万达广场",
        "步行街",
        "百货大楼",
        "永辉超市",
        "农贸市场",
        "茶叶市场",
        "手机城",
        "购物中心",
        "美食街",
        "新华书店",
    ),
    "residential": ("菜市场", "社区卫生服务站", "幼儿园", "小学", "老年活动中心", "便利店"),
    "nightlife": (
        "KTV",
        "酒吧",
        "烧烤一条街",
        "夜市",
        "网吧",
        "清吧",
        "足浴店",
        "大排档",
        "台球厅",
        "LiveHouse",
    ),
    "industrial": ("工业园", "物流园", "茶厂", "建材市场", "砖厂", "木材厂", "货运站", "工地"),
    "village": ("村委会", "小卖部", "茶园", "村卫生室", "鱼塘", "小学", "农家乐"),
    "transport_hub": ("客运站", "火车站", "机场", "公交总站", "出租车停靠点", "长途汽车站"),
}


@dataclass(frozen=True)
class Grid:
    """One dispatch grid of the synthetic city."""

    grid_id: str
    kind: str
    name: str
    base_rate: float
    polygon: Polygon = field(repr=False)
    places: tuple[str, ...] = field(repr=False, default=())


@dataclass(frozen=True)
class City:
    """The grids of a synthetic city, in ``grid_id`` order."""

    grids: tuple[Grid, ...]

    @property
    def grid_ids(self) -> list[str]:
        return [g.grid_id for g in self.grids]

    @property
    def kinds(self) -> np.ndarray:
        return np.array([g.kind for g in self.grids], dtype=object)

    @property
    def base_rates(self) -> np.ndarray:
        return np.array([g.base_rate for g in self.grids], dtype=float)

    def to_geojson(self) -> dict:
        """A GeoJSON FeatureCollection (RFC 7946, WGS84, counter-clockwise rings)."""
        features = []
        for g in self.grids:
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "grid_id": g.grid_id,
                        "kind": g.kind,
                        "name": g.name,
                        "base_rate": round(g.base_rate, 4),
                    },
                    "geometry": mapping(g.polygon),
                }
            )
        return {"type": "FeatureCollection", "features": features}

    def write_geojson(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_geojson(), ensure_ascii=False), encoding="utf-8")


def kind_counts(n: int) -> dict[str, int]:
    """How many grids of each kind a city of ``n`` grids has (every kind once n >= 6)."""
    raw = {k: _KIND_SHARE[k] * n for k in KINDS}
    counts = {k: int(v) for k, v in raw.items()}
    if n >= len(KINDS):
        for k in KINDS:
            counts[k] = max(counts[k], 1)
    # Hand out the rest by largest remainder; take back from the largest if over.
    order = sorted(KINDS, key=lambda k: raw[k] - int(raw[k]), reverse=True)
    i = 0
    while sum(counts.values()) < n:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts.values()) > n:
        biggest = max(KINDS, key=lambda k: counts[k])
        counts[biggest] -= 1
    return counts


def _seed_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Seeds on a jittered sunflower spiral, denser in the centre; returns (xy metres, R)."""
    radius = 8_000.0 * math.sqrt(n / 51.0) + 600.0
    k = np.arange(n) + 0.5
    r = radius * (k / n) ** 0.68  # > 0.5: seeds crowd the centre, cells grow outwards
    golden = math.pi * (3.0 - math.sqrt(5.0))
    theta = k * golden + rng.uniform(0, 2 * math.pi)
    spacing = radius * math.sqrt(math.pi / max(n, 1))
    jitter = rng.normal(0.0, 0.18, size=(n, 2)) * spacing * (0.4 + r[:, None] / radius)
    xy = np.column_stack([r * np.cos(theta), r * np.sin(theta)]) + jitter
    return xy, radius


def _boundary(radius: float, rng: np.random.Generator) -> Polygon:
    """An irregular, roughly round city boundary (low-frequency radial noise)."""
    angles = np.linspace(0, 2 * math.pi, 180, endpoint=False)
    wobble = np.ones_like(angles)
    for freq in (2, 3, 5):
        wobble += rng.uniform(0.02, 0.07) * np.sin(freq * angles + rng.uniform(0, 2 * math.pi))
    rr = radius * 1.08 * wobble
    return Polygon(np.column_stack([rr * np.cos(angles), rr * np.sin(angles)]))


def _cells(xy: np.ndarray, boundary: Polygon) -> list[Polygon]:
    """Voronoi cells of the seeds clipped to the boundary, in seed order."""
    if len(xy) == 1:
        return [boundary]
    cells = shapely.voronoi_polygons(
        shapely.multipoints(xy), extend_to=boundary, ordered=True
    ).geoms
    out = []
    for cell in cells:
        clipped = cell.intersection(boundary)
        if clipped.geom_type != "Polygon":  # keep the largest piece of a rare split cell
            clipped = max(clipped.geoms, key=lambda g: g.area)
        out.append(clipped)
    return out


def _assign_kinds(xy: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Concentric kinds: core commercial/nightlife/hub, ring residential, edge industry."""
    n = len(xy)
    counts = kind_counts(n)
    dist = np.hypot(xy[:, 0], xy[:, 1])
    angle = np.arctan2(xy[:, 1], xy[:, 0])
    order = list(np.argsort(dist, kind="stable"))
    kinds: list[str | None] = [None] * n

    n_core = counts["commercial"] + counts["nightlife"] + min(counts["transport_hub"], 1)
    core = order[:n_core]
    # Nightlife clusters on one side of the core (the river bank / old bar street).
    night_dir = rng.uniform(-math.pi, math.pi)
    by_side = sorted(core, key=lambda i: _angle_gap(angle[i], night_dir))
    for i in by_side[: counts["nightlife"]]:
        kinds[i] = "nightlife"
    rest = [i for i in core if kinds[i] is None]
    if counts["transport_hub"]:
        kinds[rest[-1]] = "transport_hub"  # the coach station at the edge of the old town
        rest = rest[:-1]
    for i in rest:
        kinds[i] = "commercial"

    n_edge = counts["industrial"] + counts["village"]
    edge = order[n - n_edge :] if n_edge else []
    ind_dir = rng.uniform(-math.pi, math.pi)
    by_ind = sorted(edge, key=lambda i: _angle_gap(angle[i], ind_dir))
    for i in by_ind[: counts["industrial"]]:
        kinds[i] = "industrial"
    for i in by_ind[counts["industrial"] :]:
        kinds[i] = "village"

    middle = [i for i in order if kinds[i] is None]
    extra_hubs = counts["transport_hub"] - (1 if counts["transport_hub"] else 0)
    if extra_hubs:
        # Railway station on the outer ring, airport further out.
        picks = np.linspace(len(middle) * 0.6, len(middle) - 1, extra_hubs).round().astype(int)
        for p in sorted(set(picks.tolist())):
            kinds[middle[p]] = "transport_hub"
    for i in middle:
        if kinds[i] is None:
            kinds[i] = "residential"
    return [k or "residential" for k in kinds]


def _angle_gap(a: float, b: float) -> float:
    return abs((a - b + math.pi) % (2 * math.pi) - math.pi)


def _names(kinds: list[str], rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Unique area names and the stem each is built on (landmarks reuse the stem)."""
    stems = list(_AREA_STEMS)
    rng.shuffle(stems)
    used: set[str] = set()
    names, picked = [], []
    for i, kind in enumerate(kinds):
        suffixes = _KIND_SUFFIX[kind]
        stem = stems[i % len(stems)]
        picked.append(stem)
        base = stem + suffixes[int(rng.integers(len(suffixes)))]
        name, k = base, 2
        while name in used:
            name = f"{base}{k}区"
            k += 1
        used.add(name)
        names.append(name)
    return names, picked


def _places(kind: str, stem: str, rng: np.random.Generator) -> tuple[str, ...]:
    """Street, compound and landmark names a call from this grid can mention."""
    roads = [
        _ROAD_STEMS[int(rng.integers(len(_ROAD_STEMS)))]
        + _ROAD_SUFFIX[int(rng.integers(len(_ROAD_SUFFIX)))]
        for _ in range(3)
    ]
    n_estates = {"residential": 3, "commercial": 2, "nightlife": 1, "transport_hub": 1}
    estates = [
        _ESTATE[int(rng.integers(len(_ESTATE)))]
        + _ESTATE_SUFFIX[int(rng.integers(len(_ESTATE_SUFFIX)))]
        for _ in range(n_estates.get(kind, 0))
    ]
    marks = _LANDMARKS[kind]
    picked = rng.choice(len(marks), size=min(3, len(marks)), replace=False)
    landmarks = [stem + marks[int(j)] for j in picked]
    places = list(roads)
    places += [f"{roads[k % 2]}{e}" for k, e in enumerate(estates)]
    places += landmarks
    places += [f"{roads[1]}{int(rng.integers(1, 400))}号"]
    if kind == "village":  # villages are addressed by village and group, not compounds
        places += [
            f"{stem}村{k}组" for k in sorted(rng.choice(np.arange(1, 13), 2, replace=False))
        ]
    return tuple(dict.fromkeys(places))


def _to_lonlat(poly: Polygon) -> Polygon:
    coords = np.asarray(poly.exterior.coords)
    lon = CENTRE_LON + coords[:, 0] / _M_PER_DEG_LON
    lat = CENTRE_LAT + coords[:, 1] / _M_PER_DEG_LAT
    ring = Polygon(np.column_stack([lon, lat]).round(6))
    if not ring.is_valid:
        ring = shapely.make_valid(ring)
        if ring.geom_type != "Polygon":
            ring = max(getattr(ring, "geoms", [ring]), key=lambda g: g.area)
    return orient(ring, 1.0)


def build_city(n_grids: int = 51, seed: int = 0) -> City:
    """Lay out a city of ``n_grids`` grids; the same (n_grids, seed) gives the same city."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1]))
    xy, radius = _seed_points(n_grids, rng)
    cells = _cells(xy, _boundary(radius, rng))
    kinds = _assign_kinds(xy, rng)
    names, stems = _names(kinds, rng)
    areas = np.array([c.area for c in cells])
    hotspot = rng.lognormal(-0.5 * _HOTSPOT_SIGMA**2, _HOTSPOT_SIGMA, size=n_grids)
    size = (areas / np.median(areas)) ** 0.25
    weight = np.array([_KIND_WEIGHT[k] for k in kinds]) * hotspot * size
    rates = weight / weight.sum() * CALLS_PER_DAY_PER_GRID * n_grids
    width = len(str(n_grids))
    grids = tuple(
        Grid(
            grid_id=f"G{i + 1:0{width}d}",
            kind=kinds[i],
            name=names[i],
            base_rate=float(rates[i]),
            polygon=_to_lonlat(cells[i]),
            places=_places(kinds[i], stems[i], rng),
        )
        for i in range(n_grids)
    )
    return City(grids)
