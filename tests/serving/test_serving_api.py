"""The HTTP routes, in-process through ``Jingqing.to_asgi()`` and Starlette's TestClient."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading

import pytest
from serving_apps import open_client

from features.pii import mask_pii

PHONE = "13812345678"


def _audit_lines(home) -> list[dict]:
    path = home / "logs" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- health and documents ---------------------------------------------------------------
def test_serving_health_routes_answer(client):
    # Given a service with both stand-in champions
    # When the probes call
    live = client.get("/livez")
    ready = client.get("/readyz")
    # Then both are up and readiness names the registry versions
    assert live.status_code == 200
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True
    assert body["models"]["triage"]["version"] == "triage/1"
    assert body["models"]["forecast"]["version"] == "forecast/1"


def test_serving_openapi_and_metrics(client):
    client.post("/classify", json={"texts": ["有人偷东西"]})
    client.post("/feedback", json={**FEEDBACK, "final_category": "public_order"})
    spec = client.get("/docs.json")
    assert spec.status_code == 200
    assert {"/classify", "/forecast", "/feedback"} <= set(spec.json()["paths"])
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert 'endpoint="/classify"' in metrics.text
    assert "bentoml_service_adaptive_batch_size" in metrics.text
    suggested = [
        line
        for line in metrics.text.splitlines()
        if line.startswith("jingqing_suggestions_total{") and 'category="criminal"' in line
    ]
    assert suggested and float(suggested[0].rsplit(" ", 1)[1]) >= 1
    assert 'jingqing_feedback_total{agreed="true"}' in metrics.text


# -- classify ---------------------------------------------------------------------------
def test_serving_classify_answers_each_text_in_order(client):
    texts = ["街上有人拿刀砍人", f"邻居家漏水吵起来了，电话{PHONE}", "小区停电了"]
    before = len(_audit_lines(client.home)) if (client.home / "logs/audit.jsonl").exists() else 0

    resp = client.post("/classify", json={"texts": texts})

    assert resp.status_code == 200, resp.text
    answers = resp.json()
    assert [a["category"] for a in answers] == ["criminal", "dispute", "non_police"]
    first = answers[0]
    assert first["urgent"] is True and "刀" in first["keywords"]
    for a in answers:
        assert set(a) >= {
            "category", "confidence", "probabilities", "disposition", "divert_to", "urgent",
            "keywords", "model_version", "review", "request_id",
        }  # fmt: skip
        assert a["model_version"] == "triage/1"
        assert abs(sum(a["probabilities"].values()) - 1) < 1e-6
        assert a["confidence"] == max(a["probabilities"].values())
    assert len({a["request_id"] for a in answers}) == 1

    # and the audit log got one line per suggestion, with no raw text or phone number
    lines = _audit_lines(client.home)[before:]
    assert len(lines) == 3
    raw = (client.home / "logs" / "audit.jsonl").read_text(encoding="utf-8")
    assert PHONE not in raw and "邻居" not in raw
    # keyed with the installation's own secret: a plain SHA-256 of the masked text is not it
    secret = bytes.fromhex((client.home / "secrets" / "audit-salt").read_text())
    masked = mask_pii(texts[1]).encode()
    assert lines[1]["text_hmac_sha256"] == hmac.new(secret, masked, hashlib.sha256).hexdigest()
    assert lines[1]["text_hmac_sha256"] != hashlib.sha256(masked).hexdigest()
    assert (client.home / "secrets" / "audit-salt").stat().st_mode & 0o077 == 0
    assert lines[1]["request_id"] == answers[1]["request_id"]
    assert lines[1]["suggestion"]["category"] == "dispute"
    assert lines[1]["latency_ms"] >= 0 and lines[1]["model_version"] == "triage/1"


def test_serving_concurrent_requests_each_get_their_own_answers(client):
    # Given many single-text requests at once (adaptive batching may merge them)
    cues = ["拿刀", "打架", "邻居", "走失", "停水"] * 8
    results: dict[int, dict] = {}
    model = client.runtime.models["triage"].model
    seen = len(model.batch_sizes)

    def call(i: int) -> None:
        resp = client.post("/classify", json={"texts": [f"第{i}号：{cues[i]}"]})
        results[i] = resp.json()[0] if resp.status_code == 200 else {"error": resp.text}

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(cues))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then every request got exactly the answer for its own text
    expected = {"拿刀": "criminal", "打架": "public_order", "邻居": "dispute",
                "走失": "assistance", "停水": "non_police"}  # fmt: skip
    assert {i: r.get("category") for i, r in results.items()} == {
        i: expected[c] for i, c in enumerate(cues)
    }
    assert len({r["request_id"] for r in results.values()}) == len(cues)
    # and adaptive batching merged some of them into one model call
    assert max(model.batch_sizes[seen:]) > 1


BAD_CLASSIFY = [
    pytest.param(b'{"texts": ["a",', "not valid JSON", id="bad-json"),
    pytest.param(b'{"texts": "just one"}', "texts", id="not-a-list"),
    pytest.param(b'{"texts": []}', "texts", id="empty-list"),
    pytest.param(json.dumps({"texts": ["x"] * 257}).encode(), "texts", id="257-texts"),
    pytest.param(b'{"texts": [""]}', "texts.0", id="empty-text"),
    pytest.param(b'{"texts": ["ok", "   "]}', "texts.1", id="blank-text"),
    pytest.param(json.dumps({"texts": ["长" * 2001]}).encode(), "texts.0", id="2001-chars"),
    pytest.param(b'{"texts": [42]}', "texts.0", id="number"),
    pytest.param(b'{"text": ["a"]}', "text", id="wrong-field"),
    pytest.param(b"{}", "texts", id="missing"),
]


@pytest.mark.parametrize(("body", "names"), BAD_CLASSIFY)
def test_serving_classify_rejects_bad_requests(client, body, names):
    resp = client.post("/classify", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text
    assert names in resp.json()["error"]
    # and the service keeps serving
    assert client.post("/classify", json={"texts": ["有人打架"]}).status_code == 200


def test_serving_classify_accepts_the_limits(client):
    resp = client.post("/classify", json={"texts": ["长" * 2000] * 256})
    assert resp.status_code == 200
    assert len(resp.json()) == 256


def test_serving_oversized_body_is_refused(client):
    body = json.dumps({"texts": ["长" * 2000] * 400}).encode()  # ~4.8 MB with \\u escapes
    resp = client.post("/classify", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert "larger than" in resp.json()["error"]
    assert client.get("/readyz").status_code == 200


def test_serving_oversized_chunked_body_is_refused(client):
    # Given a body streamed without Content-Length
    def chunks():
        yield b'{"texts": ["'
        for _ in range(800):  # 4.8 MB
            yield "长".encode() * 2000
        yield b'"]}'

    resp = client.post("/classify", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in resp.request.headers
    assert resp.status_code == 413
    assert client.post("/classify", json={"texts": ["有人打架"]}).status_code == 200


def _home_with(tmp_path_factory, store) -> object:
    """A fresh project home whose registry is a copy of ``store``."""
    home = tmp_path_factory.mktemp("home")
    (home / "mlruns").mkdir()
    (home / "mlruns" / "mlflow.db").write_bytes(store.read_bytes())
    return home


def test_serving_labels_come_from_the_model(tmp_path_factory, custom_label_store):
    # Given a triage champion that knows labels the taxonomy never mentions
    for c in open_client(_home_with(tmp_path_factory, custom_label_store)):
        resp = c.post("/classify", json={"texts": ["邻居吵架"]})
        ready = c.get("/readyz").json()
        inside = c.post("/forecast", json={"start": "2025-12-15T00:00", "hours": 2})
    # Then the answer carries exactly the model's labels
    assert resp.status_code == 200
    answer = resp.json()[0]
    assert set(answer["probabilities"]) == {"alpha", "beta", "gamma"}
    assert answer["category"] == "gamma"
    assert ready["models"]["triage"]["labels"] == ["alpha", "beta", "gamma"]
    # and a forecast window the model declares is used; its own refusal becomes a 422
    assert ready["models"]["forecast"]["earliest_start"] == "2025-12-01T00:00:00+08:00"
    assert inside.status_code == 422
    assert "at or after 2026-01-01" in inside.json()["error"]


def test_serving_model_without_router_suggests_no_routing(tmp_path_factory, no_routing_store):
    # Given a triage champion trained without disposition/divert_to columns
    home = _home_with(tmp_path_factory, no_routing_store)
    for c in open_client(home):
        # When a call is classified
        resp = c.post("/classify", json={"texts": ["邻居吵架"]})
        # and the call taker sends back the string the console used to preselect
        as_string = c.post("/feedback", json={**FEEDBACK, "final_disposition": "None"})
        chosen = c.post(
            "/feedback",
            json={**FEEDBACK, "final_disposition": "on_scene", "final_divert_to": ""},
        )
    # Then routing is null in the answer (never the string "None") ...
    assert resp.status_code == 200, resp.text
    answer = resp.json()[0]
    assert answer["disposition"] is None and answer["divert_to"] is None
    lines = _audit_lines(home)
    assert lines[-1]["suggestion"]["disposition"] is None
    # ... a "None" disposition is refused, and the disposition the call taker picks is stored
    assert as_string.status_code == 400 and "final_disposition" in as_string.text
    assert chosen.status_code == 200, chosen.text


# -- forecast ---------------------------------------------------------------------------
def test_serving_forecast_rows_for_requested_grids_and_hours(client):
    resp = client.post(
        "/forecast", json={"start": "2026-01-02T08:30:00", "hours": 3, "grid_ids": ["G02", "G05"]}
    )
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert len(rows) == 6
    assert {r["grid_id"] for r in rows} == {"G02", "G05"}
    assert sorted({r["hour"] for r in rows}) == [
        "2026-01-02T08:00:00+08:00",
        "2026-01-02T09:00:00+08:00",
        "2026-01-02T10:00:00+08:00",
    ]
    for r in rows:
        assert r["p10"] <= r["p50"] <= r["p90"]


def test_serving_forecast_defaults_to_all_grids_and_converts_timezones(client):
    resp = client.post("/forecast", json={"start": "2026-01-02T00:00:00Z", "hours": 1})
    assert resp.status_code == 200
    rows = resp.json()
    assert [r["grid_id"] for r in rows] == ["G01", "G02", "G03", "G04", "G05"]
    assert rows[0]["hour"] == "2026-01-02T08:00:00+08:00"


BAD_FORECAST = [
    pytest.param({"start": "tomorrow", "hours": 3}, 400, "start", id="bad-time"),
    pytest.param({"start": "2026-01-02T08:00", "hours": 0}, 400, "hours", id="zero-hours"),
    pytest.param({"start": "2026-01-02T08:00", "hours": 169}, 400, "hours", id="169-hours"),
    pytest.param({"start": "2026-01-02T08:00", "hours": "many"}, 400, "hours", id="hours-text"),
    pytest.param({"start": "2026-01-02T08:00", "hours": 2.5}, 400, "hours", id="hours-float"),
    pytest.param({"hours": 3}, 400, "start", id="no-start"),
    pytest.param(
        {"start": "2026-01-02T08:00", "hours": 3, "grid_ids": []}, 400, "grid_ids", id="no-grids"
    ),
    pytest.param(
        {"start": "2026-01-02T08:00", "hours": 3, "grid_ids": ["G01", "NOPE", "ALSO"]},
        422,
        "NOPE, ALSO",
        id="unknown-grids",
    ),
    pytest.param({"start": "2025-06-01T08:00", "hours": 3}, 422, "2026-01-01", id="too-early"),
    pytest.param({"start": "2026-01-15T00:00", "hours": 3}, 422, "end by", id="too-late"),
]


@pytest.mark.parametrize(("body", "status", "names"), BAD_FORECAST)
def test_serving_forecast_rejects_bad_requests(client, body, status, names):
    resp = client.post("/forecast", json=body)
    assert resp.status_code == status, resp.text
    assert names in resp.json()["error"]


# -- feedback ---------------------------------------------------------------------------
FEEDBACK = {
    "call_id": "C-1",
    "text": f"邻居家漏水，打我电话{PHONE}",
    "suggested_category": "public_order",
    "final_category": "dispute",
    "final_disposition": "divert",
    "final_divert_to": "property",
    "final_urgent": False,
    "model_version": "triage/1",
    "incident_no": "J3201052026010100043",
    "operator_id": "op7",
}


def test_serving_feedback_is_stored_masked(client):
    resp = client.post("/feedback", json=FEEDBACK)
    assert resp.status_code == 200, resp.text
    row_id = resp.json()["id"]
    db = client.home / "feedback" / "feedback.db"
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone())
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert PHONE not in row["text"] and "<MOBILE>" in row["text"]
    assert row["final_category"] == "dispute"
    assert row["final_disposition"] == "divert" and row["final_divert_to"] == "property"
    assert row["final_urgent"] == 0 and row["model_version"] == "triage/1"
    assert (row["incident_no"], row["operator_id"]) == ("J3201052026010100043", "op7")
    assert row["received_at"]


def _stored_feedback(client, body: dict, columns: str) -> tuple:
    """POST ``body`` to /feedback; the stored row's ``columns``."""
    resp = client.post("/feedback", json=body)
    assert resp.status_code == 200, resp.text
    with sqlite3.connect(client.home / "feedback" / "feedback.db") as conn:
        sql = f"SELECT {columns} FROM feedback WHERE id = ?"  # noqa: S608 - the test's own columns
        return conn.execute(sql, (resp.json()["id"],)).fetchone()


def test_serving_feedback_masks_personal_data_typed_into_the_identifiers(client):
    # Given a call taker who typed a phone number where the incident number goes
    body = {**FEEDBACK, "call_id": "C-ids", "incident_no": PHONE, "operator": " op8 "}
    del body["operator_id"]
    row = _stored_feedback(client, body, "incident_no, operator_id")
    # Then the number is masked, and the old field name still reaches operator_id
    assert row == ("<MOBILE>", "op8")


def test_serving_feedback_keeps_an_id_shaped_incident_number_and_masks_it_in_the_text(client):
    # Given an incident number J + 18 digits whose digits pass the ID check, typed both in
    # the incident_no field and in the call text
    number = "J320105202612010013"
    body = {**FEEDBACK, "call_id": "C-incident", "incident_no": number, "text": f"警情{number}"}
    row = _stored_feedback(client, body, "incident_no, text")
    # Then the field keeps the number and the free text masks it as before
    assert row == (number, "警情J<IDCARD>")


BAD_FEEDBACK = [
    pytest.param({"final_category": "robbery"}, "final_category", id="unknown-category"),
    pytest.param({"final_disposition": "ignore"}, "final_disposition", id="unknown-disposition"),
    pytest.param({"final_divert_to": ""}, "final_divert_to", id="divert-without-target"),
    pytest.param({"text": ""}, "text", id="empty-text"),
    pytest.param({"call_id": None}, "call_id", id="no-call-id"),
    pytest.param({"final_urgent": "maybe"}, "final_urgent", id="urgent-not-bool"),
    pytest.param({"incident_no": "J" * 41}, "incident_no", id="incident-no-too-long"),
    pytest.param({"incident_no": "J 0042"}, "incident_no", id="incident-no-with-space"),
    pytest.param({"operator_id": "<script>"}, "operator_id", id="operator-id-markup"),
    pytest.param({"operator_id": "x" * 33}, "operator_id", id="operator-id-too-long"),
]


@pytest.mark.parametrize(("change", "names"), BAD_FEEDBACK)
def test_serving_feedback_rejects_bad_requests(client, change, names):
    body = {**FEEDBACK, **change}
    resp = client.post("/feedback", json=body)
    assert resp.status_code == 400, resp.text
    assert names in resp.json()["error"]


# -- auth and readiness -----------------------------------------------------------------
def test_serving_token_guards_post_routes_only(tmp_path_factory, serving_store):
    home = tmp_path_factory.mktemp("auth")
    (home / "mlruns").mkdir()
    (home / "mlruns" / "mlflow.db").write_bytes(serving_store.read_bytes())
    body = {"texts": ["有人打架"]}
    for c in open_client(home, JINGQING_API_TOKEN="s3cret-token"):
        missing = c.post("/classify", json=body)
        wrong = c.post("/classify", json=body, headers={"Authorization": "Bearer s3cret-tokem"})
        basic = c.post("/feedback", json=FEEDBACK, headers={"Authorization": "Basic s3cret"})
        right = c.post("/classify", json=body, headers={"Authorization": "Bearer s3cret-token"})
        probes = [c.get(p).status_code for p in ("/livez", "/readyz", "/metrics", "/docs.json")]
    assert missing.status_code == wrong.status_code == basic.status_code == 401
    assert "token" in missing.json()["error"]
    assert right.status_code == 200
    assert probes == [200, 200, 200, 200]


def test_serving_without_token_post_routes_are_open(client):
    assert client.post("/classify", json={"texts": ["有人打架"]}).status_code == 200


def test_serving_not_ready_without_models(fresh_home_factory):
    # Given an empty registry
    for c in open_client(fresh_home_factory()):
        ready = c.get("/readyz")
        live = c.get("/livez")
        classify = c.post("/classify", json={"texts": ["有人打架"]})
        forecast = c.post("/forecast", json={"start": "2026-01-02T08:00", "hours": 1})
        feedback = c.post("/feedback", json=FEEDBACK)
    # Then it is alive but not ready, says which models are missing, and refuses with 503
    assert live.status_code == 200
    assert ready.status_code == 503
    body = ready.json()
    assert set(body["missing"]) == {"triage", "forecast"}
    assert "jingqing train triage" in body["missing"]["triage"]
    assert classify.status_code == 503 and "triage" in classify.json()["error"]
    assert forecast.status_code == 503 and "forecast" in forecast.json()["error"]
    # feedback needs no model
    assert feedback.status_code == 200
