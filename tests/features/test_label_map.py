"""The national label map: shipped data, city overrides, unmapped values."""

from __future__ import annotations

import pandas as pd
import pytest

from features.errors import UserError
from features.label_map import DEFAULT_MAP, apply_label_map, format_table, load_label_map


@pytest.fixture(scope="module")
def national():
    return load_label_map()


@pytest.mark.parametrize(
    ("police_class", "police_type", "expected"),
    [
        ("刑事案件", "盗窃", ("criminal", "transfer", "")),
        ("10", "", ("criminal", "transfer", "")),
        ("治安警情", "打架斗殴", ("public_order", "transfer", "")),
        ("治安案件", "治安纠纷", ("dispute", "on_scene", "")),
        ("20", "治安纠纷", ("dispute", "on_scene", "")),
        ("交通警情", "交通事故", ("non_police", "divert", "122")),
        ("40", "火灾", ("non_police", "divert", "119")),
        ("群众求助", "走失求助", ("assistance", "on_scene", "")),
        ("群众求助", "水、电、气、热险情求助", ("non_police", "divert", "utility")),
        ("社会联动", "环保执法", ("non_police", "divert", "12345")),
        ("社会联动", "水气热抢修", ("non_police", "divert", "utility")),
        ("95", "群众投诉", ("non_police", "divert", "12345")),
        ("其它报警类别", "", ("non_police", "divert", "none")),
        ("９９", "", ("non_police", "divert", "none")),  # full-width digits
        ("020", "", ("public_order", "transfer", "")),  # zero-padded code
    ],
)
def test_default_map_follows_the_taxonomy_table(national, police_class, police_type, expected):
    # Given a class (name or code) and type from a real export, when it is looked up,
    # then the labels are those of docs/TAXONOMY.md's table.
    route = national.lookup(police_class, police_type)
    assert route is not None
    assert (route.category, route.disposition, route.divert_to) == expected


def test_default_map_is_data_shipped_with_the_package():
    assert DEFAULT_MAP.suffix == ".csv" and DEFAULT_MAP.is_file()
    assert "治安纠纷" in DEFAULT_MAP.read_text(encoding="utf-8")


def test_city_file_extends_and_overrides(tmp_path, national):
    # Given a city whose export uses its own class and moves 交通警情 to transfer,
    city = tmp_path / "city.csv"
    city.write_text(
        "police_class,police_type,category,disposition,divert_to\n"
        "经侦警情,,criminal,transfer,\n"
        "30,交通逃逸,criminal,transfer,\n",
        encoding="utf-8",
    )
    merged = load_label_map(city)
    # then its own class is known, its override wins for that type only, the rest stays.
    assert merged.lookup("经侦警情").category == "criminal"
    assert merged.lookup("交通警情", "交通逃逸").category == "criminal"
    assert merged.lookup("交通警情", "交通事故").divert_to == "122"
    assert merged.lookup("刑事案件").category == "criminal"
    only = load_label_map(city, replace=True)
    assert only.lookup("刑事案件") is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("police_class,category\n刑事,criminal\n", "missing column(s) disposition"),
        ("police_class,category,disposition\n刑事,crime,transfer\n", "line 2: category 'crime'"),
        ("police_class,category,disposition,divert_to\n交通,non_police,divert,\n", "line 2"),
        ("police_class,category,disposition,divert_to\n交通,non_police,divert,999\n", "999"),
    ],
)
def test_bad_city_file_is_one_clear_error(tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_label_map(path)


def test_missing_city_file(tmp_path):
    with pytest.raises(UserError, match="file not found"):
        load_label_map(tmp_path / "nope.csv")


def test_apply_counts_unmapped_values_with_first_row(national):
    classes = pd.Series(["20", "交警", "治安警情", "交警", None, "交警"])
    types = pd.Series(["治安纠纷", "", "打架斗殴", "x", "", ""])
    mapped = apply_label_map(classes, types, national)
    assert mapped.labels["category"].tolist() == [
        "dispute",
        "",
        "public_order",
        "",
        "",
        "",
    ]
    assert mapped.unmapped == [("交警", 3, 1)]
    table = format_table(mapped.table, national)
    assert "治安警情 / 治安纠纷" in table and "(unmapped)" in table
    counts = mapped.table.groupby("category")["rows"].sum()
    assert counts["public_order"] == 1 and counts[""] == 4 and counts.sum() == len(classes)


def _raw(**cols):
    n = len(next(iter(cols.values())))
    base = {
        "call_id": [f"c{i}" for i in range(n)],
        "received_at": ["2025-05-01 10:00:00"] * n,
        "text": ["XX路，被他人殴打，不需要120。"] * n,
    }
    return pd.DataFrame({**base, **cols})


def test_validation_derives_labels_from_police_codes(tmp_path):
    from features.schema import validate_calls

    raw = _raw(警情类别=["治安警情", "20", "交通警情"], 警情类型=["打架斗殴", "治安纠纷", ""])
    mapping = {"police_class": "警情类别", "police_type": "警情类型"}
    report = validate_calls(raw, mapping=mapping, require="triage")
    assert report.ok, report.problems
    frame = report.frame
    assert frame["category"].tolist() == ["public_order", "dispute", "non_police"]
    assert frame["divert_to"].tolist() == ["", "", "122"]
    assert frame["police_class"].tolist() == ["治安警情", "20", "交通警情"]
    assert "治安警情 / 治安纠纷" in frame.attrs["police_classes"]


def test_unmapped_class_is_one_line_with_count_and_first_row(tmp_path):
    from features.schema import validate_calls

    raw = _raw(police_class=["刑事案件", "经侦", "经侦", "经侦"])
    report = validate_calls(raw, require="triage")
    assert not report.ok
    assert report.problems == [
        "row 2, column police_class: unmapped value '经侦' in 3 rows; add it to a --label-map "
        "file (columns: police_class,police_type,category,disposition,divert_to)"
    ]
    # A city's map that knows the class makes the same file usable.
    city = tmp_path / "city.csv"
    city.write_text(
        "police_class,category,disposition,divert_to\n经侦,criminal,transfer,\n", encoding="utf-8"
    )
    report = validate_calls(raw, require="triage", label_map=city)
    assert report.ok and report.frame["category"].tolist() == ["criminal"] * 4


def test_own_category_column_wins_over_the_codes():
    from features.schema import validate_calls

    raw = _raw(police_class=["交通警情"], category=["dispute"], disposition=["on_scene"])
    report = validate_calls(raw, require="triage")
    assert report.ok and report.frame["category"].tolist() == ["dispute"]
