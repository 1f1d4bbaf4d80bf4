"""The LOGGING dict, built from the two values settings.py reads from the environment."""

from typing import Any


def logging_config(log_format: str, log_level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                "json_ensure_ascii": False,  # Chinese messages stay readable
            },
        },
        "filters": {
            "request_id": {"()": "nantong_credit.request_id.RequestIdFilter"},
            "forbidden_one_line": {"()": "nantong_credit.log_filters.ForbiddenOneLine"},
            "mask_id_numbers": {"()": "nantong_credit.log_filters.MaskIdNumbers"},
        },
        # ID numbers are masked in whatever reaches the handler (gunicorn's access log: gunicorn.conf.py).
        # Every line carries the id of the request (or of the request that sent the task) it belongs to.
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id", "mask_id_numbers"],
            }
        },
        "root": {"handlers": ["console"], "level": log_level},
        "loggers": {
            # Request lines carry query strings; ID numbers must never reach a log (SPEC §2).
            "django.server": {"level": "WARNING"},
            # A 403 is one line (method, path, user id, client address), not a traceback.
            "django.request": {"filters": ["forbidden_one_line"]},
            "django.security.csrf": {"filters": ["forbidden_one_line"]},
            "axes": {"level": "WARNING"},
            # Embedded mode runs tasks in-process: one INFO line per task, and kombu's warning that
            # the in-memory broker has no host name, are noise there (workers log through Celery).
            "celery.app.trace": {"level": "WARNING"},
            "kombu.connection": {"level": "ERROR"},
            # WeasyPrint logs every layout step of every report at INFO.
            "weasyprint": {"level": "WARNING"},
        },
    }
