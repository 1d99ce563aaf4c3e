"""Structured logs: one JSON object per line, carrying the correlation id of the work in hand."""
from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from shared.config import Settings
from shared.context import correlation_id


class ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.correlation_id = correlation_id.get()
        return True


def configure_logging(settings: Settings, service: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(correlation_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(service)s %(name)s [%(correlation_id)s] %(message)s"))
    handler.addFilter(ContextFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for noisy in ("amqp", "kombu", "pika", "psycopg.pool", "werkzeug"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
