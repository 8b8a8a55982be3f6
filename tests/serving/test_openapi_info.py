"""The OpenAPI document names the product, its version and routes (no BentoML README,
badges or tag-manager links), and its request examples are answered 200 (``/plan`` needs
grid polygons: its example is tried in ``tests/plan/test_openapi_examples.py``)."""

from __future__ import annotations

from serving.openapi_info import version


def examples_answered(client) -> dict[str, int]:
    """Status code of each route's request example from ``/docs.json``."""
    doc = client.get("/docs.json").json()
    answered = {}
    for path, item in doc["paths"].items():
        media = item.get("post", {}).get("requestBody", {}).get("content", {})
        example = media.get("application/json", {}).get("example")
        if example is not None:
            answered[path] = client.post(path, json=example).status_code
    return answered


def test_docs_have_own_info_and_examples_that_work(client) -> None:
    info = client.get("/docs.json").json()["info"]
    assert info["title"] == "jingqing 警情"
    assert info["version"] == version() and info["version"] not in ("None", "")
    text = info["description"]
    for foreign in ("googletagmanager", "shields.io", "badge", "BentoML", "slack"):
        assert foreign.lower() not in text.lower()
    assert "/classify" in text and "/forecast" in text
    answered = examples_answered(client)
    assert set(answered) == {"/classify", "/forecast", "/plan", "/feedback"}
    assert {p: answered[p] for p in ("/classify", "/forecast", "/feedback")} == {
        "/classify": 200,
        "/forecast": 200,
        "/feedback": 200,
    }
