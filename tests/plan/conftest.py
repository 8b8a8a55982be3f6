"""Shared fixtures of the plan tests (the small city of the deployment tests)."""

from tests.deploy.conftest import geometry, small_city, travel  # noqa: F401
