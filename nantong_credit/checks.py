"""System checks: production must bring its own keys for personal data and the audit chain,
anchor the chain outside the database and require two-factor login of the staff who see personal
data; rate limits, role names and the file storage settings must parse."""

import math

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs) -> list[Error]:
    errors = []
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is not set: ID numbers would be encrypted with a key derived from SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) to one or more Fernet keys.",
                id="nantong_credit.E001",
            )
        )
    if not settings.IDENTIFIER_HASH_KEY:
        errors.append(
            Error(
                "IDENTIFIER_HASH_KEY is not set: identifier lookups would use a key derived from SECRET_KEY.",
                hint="Set IDENTIFIER_HASH_KEY (or IDENTIFIER_HASH_KEY_FILE) to a long random value.",
                id="nantong_credit.E002",
            )
        )
    if not settings.AUDIT_CHAIN_KEY:
        errors.append(
            Error(
                "AUDIT_CHAIN_KEY is not set: the audit chain would be keyed from SECRET_KEY.",
                hint="Set AUDIT_CHAIN_KEY (or AUDIT_CHAIN_KEY_FILE) to a long random value; keep it out of the database.",
                id="nantong_credit.E005",
            )
        )
    checkpoints = settings.STORAGES.get("audit_checkpoints", {})
    if not settings.AUDIT_CHECKPOINT_DIR and checkpoints.get("BACKEND", "").endswith("FileSystemStorage"):
        errors.append(
            Error(
                "AUDIT_CHECKPOINT_DIR is not set: audit chain checkpoints would stay under var/ on this machine.",
                hint="Set AUDIT_CHECKPOINT_DIR to storage that the database's owner cannot rewrite (another host, WORM).",
                id="nantong_credit.E006",
            )
        )
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        errors.append(
            Error(
                "The cache is per process (local memory): rate limits, locks and calendar changes would not "
                "reach the other web and Celery processes.",
                hint="Set REDIS_URL.",
                id="nantong_credit.E003",
            )
        )
    return errors


RATE_SETTINGS = (
    "PUBLIC_SEARCH_RATE",
    "PUBLIC_SUBJECT_RATE",
    "PUBLIC_VERIFY_RATE",
    "PUBLIC_LISTS_RATE",
    "API_RATE_PER_TOKEN",
    "API_BATCH_RATE_PER_TOKEN",
    "REGISTER_RATE",
    "PASSWORD_RESET_RATE",
    "PASSWORD_RESET_EMAIL_RATE",
)


@register()
def rate_limits(app_configs, **kwargs) -> list[Error]:
    """A misspelt rate must stop the start, not answer every request with an error."""
    from django.core.exceptions import ImproperlyConfigured

    from .rate_windows import parse_rates

    errors = []
    for name in RATE_SETTINGS:
        try:
            parse_rates(getattr(settings, name, ""))
        except ImproperlyConfigured as error:
            errors.append(Error(f"{name}: {error}", hint="e.g. 30/m,600/h; off for no limit", id="nantong_credit.E004"))
    return errors


@register()
def two_factor_roles(app_configs, **kwargs) -> list[Error]:
    """A misspelt role in TWO_FACTOR_REQUIRED_ROLES would silently leave that role without it."""
    from .roles import TWO_FACTOR_ROLES

    unknown = sorted(set(settings.TWO_FACTOR_REQUIRED_ROLES) - set(TWO_FACTOR_ROLES))
    if not unknown:
        return []
    return [
        Error(
            f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Choose from {', '.join(TWO_FACTOR_ROLES)}.",
            id="nantong_credit.E012",
        )
    ]


@register(Tags.security, deploy=True)
def two_factor_in_production(app_configs, **kwargs) -> list[CheckWarning]:
    from .roles import TWO_FACTOR_ROLES

    missing = [role for role in TWO_FACTOR_ROLES if role not in settings.TWO_FACTOR_REQUIRED_ROLES]
    if not missing:
        return []
    return [
        CheckWarning(
            f"Accounts in {', '.join(missing)} see personal data or the audit trail but may use the back office "
            "without two-factor login.",
            hint=f"Set TWO_FACTOR_REQUIRED_ROLES={','.join(TWO_FACTOR_ROLES)}",
            id="nantong_credit.W012",
        )
    ]


@register()
def broker_outlasts_jobs(app_configs, **kwargs) -> list[Error]:
    """Redis redelivers a message unacknowledged for its visibility timeout: a job still running
    then would run twice at once (`nantong_credit.jobs`)."""
    from . import jobs

    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    limits = {"CELERY_TASK_TIME_LIMIT": settings.CELERY_TASK_TIME_LIMIT or 0}
    limits.update({job.task: int(job.stuck_after.total_seconds()) for job in jobs.registered()})
    return [
        Error(
            f"The broker's visibility timeout ({timeout} s) is shorter than {name}'s time limit ({limit} s).",
            hint="Raise CELERY_VISIBILITY_TIMEOUT.",
            id="nantong_credit.E007",
        )
        for name, limit in limits.items()
        if timeout <= limit
    ]


@register()
def tasks_routed_to_declared_queues(app_configs, **kwargs) -> list[Error]:
    """A task without a route would go to the default queue, and one routed to a queue no worker
    reads would wait there for ever: every task of the project names a declared queue
    (settings, "Queues")."""
    from .celery import app

    # The apps' tasks.py, as a worker finds them; not through Celery's import signal, whose
    # Django fixup runs the system checks again.
    app.autodiscover_tasks(force=True)
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    errors = []
    if settings.CELERY_TASK_DEFAULT_QUEUE not in declared:
        errors.append(
            Error(
                f"CELERY_TASK_DEFAULT_QUEUE ({settings.CELERY_TASK_DEFAULT_QUEUE}) is not a declared queue.",
                hint=f"Choose from {', '.join(sorted(declared))}.",
                id="nantong_credit.E013",
            )
        )
    for task in sorted(name for name in app.tasks if not name.startswith("celery.")):
        queue = settings.CELERY_TASK_ROUTES.get(task, {}).get("queue")
        if queue not in declared:
            errors.append(
                Error(
                    f"Celery task {task} is routed to {queue or 'no queue'}, not to a declared queue.",
                    hint=f"Add it to CELERY_TASK_ROUTES with one of {', '.join(sorted(declared))}.",
                    id="nantong_credit.E013",
                )
            )
    return errors


S3_REQUIRED = ("S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
ADDRESSING_STYLES = ("path", "virtual", "auto")


@register()
def file_storage(app_configs, **kwargs) -> list[Error]:
    """An incomplete object store setting would fail every upload and download at run time, and
    one without an endpoint would send the files to Amazon's: refuse to start instead."""
    if settings.STORAGE_BACKEND not in ("filesystem", "s3"):
        return [
            Error(
                f"STORAGE_BACKEND is {settings.STORAGE_BACKEND!r}.",
                hint="Choose filesystem or s3.",
                id="nantong_credit.E014",
            )
        ]
    buckets = {"S3_BUCKET": settings.S3_BUCKET} if settings.STORAGE_BACKEND == "s3" else {}
    if settings.AUDIT_CHECKPOINT_BUCKET:
        buckets["AUDIT_CHECKPOINT_BUCKET"] = settings.AUDIT_CHECKPOINT_BUCKET
    if not buckets:
        return []
    missing = [name for name in (*buckets, *S3_REQUIRED) if not getattr(settings, name)]
    errors = (
        [
            Error(
                f"The S3 file storage is chosen but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                "not set.",
                hint="Set every S3_* setting (README, Settings); secrets may come from *_FILE.",
                id="nantong_credit.E014",
            )
        ]
        if missing
        else []
    )
    if settings.S3_ADDRESSING_STYLE not in ADDRESSING_STYLES:
        errors.append(
            Error(
                f"S3_ADDRESSING_STYLE is {settings.S3_ADDRESSING_STYLE!r}.",
                hint=f"Choose from {', '.join(ADDRESSING_STYLES)}.",
                id="nantong_credit.E014",
            )
        )
    return errors


@register()
def read_your_writes_outlasts_lag(app_configs, **kwargs) -> list[CheckWarning]:
    """A writer pinned for less than a usable replica's lag could read the page without its write."""
    needed = settings.REPLICA_MAX_LAG_SECONDS + settings.REPLICA_CHECK_SECONDS
    if not settings.READ_REPLICA_ALIASES or settings.READ_YOUR_WRITES_SECONDS >= needed:
        return []
    return [
        CheckWarning(
            f"READ_YOUR_WRITES_SECONDS ({settings.READ_YOUR_WRITES_SECONDS}) is shorter than a replica may lag "
            f"and still serve (REPLICA_MAX_LAG_SECONDS + {settings.REPLICA_CHECK_SECONDS:g} s between checks): "
            "a client could miss its own write.",
            hint=f"Set READ_YOUR_WRITES_SECONDS to at least {math.ceil(needed)}, or lower REPLICA_MAX_LAG_SECONDS.",
            id="nantong_credit.W020",
        )
    ]


@register()
def sweeps_scheduled(app_configs, **kwargs) -> list[Error]:
    """`run_deadline_sweeps` runs the sweeps the apps register; beat must send the same ones, on
    the sweeps queue, or production would miss a deadline the embedded mode keeps."""
    from . import sweeps

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    errors = []
    for sweep in sweeps.registered():
        if sweep.task not in scheduled:
            errors.append(
                Error(
                    f"The sweep {sweep.task} is registered but not in CELERY_BEAT_SCHEDULE.",
                    hint="Give it a beat entry in settings.",
                    id="nantong_credit.E021",
                )
            )
        if settings.CELERY_TASK_ROUTES.get(sweep.task, {}).get("queue") != settings.CELERY_QUEUE_SWEEPS:
            errors.append(
                Error(
                    f"The sweep {sweep.task} is not routed to the {settings.CELERY_QUEUE_SWEEPS} queue.",
                    hint="Add it to CELERY_TASK_ROUTES' sweeps.",
                    id="nantong_credit.E021",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def government_site_identity(app_configs, **kwargs) -> list[CheckWarning]:
    """A government website shows its 网站标识码 and ICP 备案号 in every page's footer
    (《政府网站发展指引》, 国办发〔2017〕47号); the embedded demo has neither."""
    missing = [name for name in ("SITE_IDENTIFIER_CODE", "ICP_RECORD_NUMBER") if not getattr(settings, name)]
    if not missing:
        return []
    return [
        CheckWarning(
            f"{' and '.join(missing)} not set: the footer of a government website must show them.",
            hint="Set them to the codes the site was registered under (deploy/env.example).",
            id="nantong_credit.W023",
        )
    ]
