"""The console's static route and the ``/grids`` GeoJSON, without a browser or a model."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from features import labels
from serving.ui import UI_DIR, ui_app
from serving.ui.grids import grid_collection, grids_app

CJK = re.compile(r"[\u3400-\u9fff]")
# The contract's urgency tiers (features.contract): values the console compares, not texts.
URGENCY_TIERS = ("紧急", "可能紧急", "一般")

SQUARE = [[[116.30, 39.90], [116.31, 39.90], [116.31, 39.91], [116.30, 39.91], [116.30, 39.90]]]


def _geojson(*grid_ids: str) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"grid_id": gid, "kind": "residential", "name": f"网格{gid}"},
                    "geometry": {"type": "Polygon", "coordinates": SQUARE},
                }
                for gid in grid_ids
            ],
        }
    )


def test_console_files_are_served_and_nothing_else() -> None:
    client = TestClient(ui_app())
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text == (UI_DIR / "index.html").read_text(encoding="utf-8")
    for script in (
        "messages.js",
        "api.js",
        "calltaker.js",
        "map.js",
        "planner.js",
        "export.js",
        "app.js",
    ):
        assert client.get(f"/{script}").headers["content-type"].startswith("text/javascript")
        assert f'<script src="{script}"></script>' in page.text
    assert client.get("/app.css").headers["content-type"].startswith("text/css")
    for private in ("__init__.py", "grids.py", "../service.py", "missing.html"):
        assert client.get(f"/{private}").status_code == 404


def test_console_display_names_are_served_from_the_label_table() -> None:
    body = TestClient(ui_app()).get("/labels.js")
    assert body.status_code == 200
    assert body.headers["content-type"].startswith("text/javascript")
    prefix = "window.JINGQING_LABELS = "
    assert body.text.startswith(prefix)
    table = json.loads(body.text[len(prefix) :].rstrip().rstrip(";"))
    assert set(table["category"]) == set(labels.CATEGORIES)
    assert set(table["disposition"]) == set(labels.DISPOSITIONS)
    assert set(table["divert_to"]) == set(labels.DIVERT_TO)
    assert table["category"]["dispute"] == ["纠纷", "Dispute"]
    for script in UI_DIR.glob("*.js"):
        assert "刑事" not in script.read_text(encoding="utf-8"), script.name


def _message_tables() -> dict[str, set[str]]:
    text = (UI_DIR / "messages.js").read_text(encoding="utf-8")
    zh, en = text.split("\n  zh: {", 1)[1].split("\n  en: {", 1)
    return {
        lang: set(re.findall(r"^    '([^']+)':", block, re.M))
        for lang, block in (("zh", zh), ("en", en))
    }


def test_both_languages_have_every_message_the_console_uses() -> None:
    tables = _message_tables()
    assert tables["zh"] == tables["en"], tables["zh"] ^ tables["en"]
    sources = [
        p.read_text(encoding="utf-8") for p in (*UI_DIR.glob("*.js"), UI_DIR / "index.html")
    ]
    used = {
        key
        for src in sources
        for key in re.findall(r"""data-msg(?:-[a-z-]+)?="([^"]+)"|\bt\('([^']+)'""", src)
        for key in key
        if key
    }
    used |= {f"urgency.{tier}{hint}" for tier in URGENCY_TIERS for hint in ("", ".hint")}
    used |= {
        f"plan.{what}.{mode}" for what in ("unit", "done", "heat") for mode in ("hour", "shift")
    }
    assert len(used) > 100
    assert used <= tables["zh"], used - tables["zh"]


def test_console_texts_live_only_in_the_message_table() -> None:
    # Chinese outside messages.js is a scattered string; the urgency tiers are contract values
    for path in (*UI_DIR.glob("*.js"), UI_DIR / "index.html"):
        if path.name == "messages.js":
            continue
        text = re.sub(
            r"/\*.*?\*/|//[^\n]*|<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S
        )
        for tier in URGENCY_TIERS:
            text = text.replace(f"'{tier}'", "")
        assert not CJK.findall(text), (path.name, CJK.findall(text)[:10])


UI_FILES = ["index.html", *sorted(p.name for p in UI_DIR.glob("*.js")), "app.css"]


@pytest.mark.parametrize("name", UI_FILES)
def test_console_loads_nothing_from_the_internet(name: str) -> None:
    text = (UI_DIR / name).read_text(encoding="utf-8")
    for remote in ("http://", "https://", "//cdn", "@import", "fonts.googleapis"):
        if remote == "http://" and name == "map.js":
            # the only absolute URL allowed is the SVG namespace, which is never fetched
            text = text.replace("http://www.w3.org/2000/svg", "")
        assert remote not in text, f"{name} references {remote}"


def test_grids_keep_the_models_polygons_in_model_order() -> None:
    model = SimpleNamespace(grid_ids=["B", "A"], geojson=_geojson("A", "B", "Z"))
    fc = grid_collection(model)
    assert [f["properties"]["grid_id"] for f in fc["features"]] == ["B", "A"]
    assert all(f["geometry"]["type"] == "Polygon" for f in fc["features"])
    assert fc["features"][1]["properties"]["name"] == "网格A"


def test_grids_fall_back_to_centroids_then_to_bare_ids() -> None:
    model = SimpleNamespace(
        grid_ids=["A", "B", "C"], geojson=_geojson("A"), centroids={"B": (116.3, 39.9)}
    )
    kinds = [f["geometry"] and f["geometry"]["type"] for f in grid_collection(model)["features"]]
    assert kinds == ["Polygon", "Point", None]


def test_unreadable_geojson_still_lists_every_grid() -> None:
    fc = grid_collection(SimpleNamespace(grid_ids=["7", "8"], geojson="{not json"))
    assert [(f["properties"]["grid_id"], f["geometry"]) for f in fc["features"]] == [
        ("7", None),
        ("8", None),
    ]


def test_grids_route_answers_503_until_the_forecast_model_is_loaded() -> None:
    holder: dict[str, object] = {}
    client = TestClient(grids_app(lambda: holder.get("model")))
    missing = client.get("/")
    assert missing.status_code == 503
    assert "forecast model" in missing.json()["error"]
    holder["model"] = SimpleNamespace(grid_ids=["A"], geojson=_geojson("A"))
    fc = client.get("/").json()
    assert fc["type"] == "FeatureCollection"
    assert fc["features"][0]["properties"]["grid_id"] == "A"
