"""The ``/plan`` and ``/forecast`` examples of the OpenAPI document, against the plan tests'
real forecast champion (which has grid polygons)."""

from __future__ import annotations

import pytest

from tests.serving.serving_apps import open_client
from tests.serving.test_openapi_info import examples_answered


@pytest.fixture(scope="module")
def client(planned_home):
    yield from open_client(planned_home)


def test_plan_and_forecast_examples_are_answered(client) -> None:
    answered = examples_answered(client)
    assert answered["/plan"] == 200 and answered["/forecast"] == 200
