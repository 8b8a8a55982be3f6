"""Log hygiene for the service under BentoML's logging configuration."""

from __future__ import annotations

import logging


class OneLineBadRequests(logging.Filter):
    """Turn BentoML's traceback for a rejected request body into one WARNING line.

    A client's bad JSON is the client's mistake, not a server error: the 400 answer already
    names the field, and a traceback per bad request would bury real errors in the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ == "ValidationError":
            from serving.guard import field_message

            path, method = (record.args or ("?", "?"))[:2]
            errors = exc.errors(include_context=False, include_input=False)
            record.msg = "rejected %s %s: %s"
            record.args = (method, path, field_message(errors))
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def enable_logging() -> None:
    """Make ``serving.*`` INFO lines visible under BentoML's server logging config.

    BentoML sets the root logger to WARNING and disables loggers that existed before it
    configured logging; the start-up summary and registry warnings must still show.
    """
    for name in ("serving", "serving.models", "serving.runtime"):
        logger = logging.getLogger(name)
        logger.disabled = False
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


def quiet_bad_requests() -> None:
    target = logging.getLogger("bentoml._internal.server.http_app")
    if not any(isinstance(f, OneLineBadRequests) for f in target.filters):
        target.addFilter(OneLineBadRequests())
