"""Production settings pass `check --deploy` without a single warning (issue 2, SPEC §2 keys)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
ALL_TWO_FACTOR_ROLES = "provider_staff,center_clerk,catalog_admin,government_user,auditor,administrator"


def production_env(tmp_path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The deploy check must not depend on what the developer's shell or CI has set, nor on
        # DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set for Playwright.
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "TWO_FACTOR_REQUIRED_ROLES",
            "SITE_IDENTIFIER_CODE",
            "ICP_RECORD_NUMBER",
        }
        and not key.startswith(("FIELD_ENCRYPTION_KEYS", "IDENTIFIER_HASH_KEY", "SECRET_KEY_", "AUDIT_CHAIN_KEY"))
        and key != "AUDIT_CHECKPOINT_DIR"
        and not key.startswith(("STORAGE_BACKEND", "S3_", "AUDIT_CHECKPOINT_BUCKET", "AUDIT_CHECKPOINT_PREFIX"))
    }
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="credit.nantong.gov.cn",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        IDENTIFIER_HASH_KEY=secrets.token_urlsafe(48),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(48),
        AUDIT_CHECKPOINT_DIR=str(tmp_path / "audit-checkpoints"),
        # Production runs on PostgreSQL and Redis; the check connects to neither.
        DATABASE_URL="postgres://credit@127.0.0.1:5432/nantong_credit",
        REDIS_URL="redis://127.0.0.1:6379/0",
        STATIC_ROOT=str(tmp_path / "static"),
        TWO_FACTOR_REQUIRED_ROLES=ALL_TWO_FACTOR_ROLES,
        # A government website's footer identifiers (check W023).
        SITE_IDENTIFIER_CODE="3206000000",
        ICP_RECORD_NUMBER="苏ICP备00000000号",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_report_nothing(tmp_path):
    result = deploy_check(production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secrets_may_come_from_files(tmp_path):
    files = {}
    for name, value in {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "IDENTIFIER_HASH_KEY": secrets.token_urlsafe(48),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(48),
    }.items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n", encoding="utf-8")
        files[name] = None
        files[f"{name}_FILE"] = str(path)

    result = deploy_check(production_env(tmp_path, **files))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_production_without_field_encryption_keys(tmp_path):
    result = deploy_check(production_env(tmp_path, FIELD_ENCRYPTION_KEYS=None))

    assert result.returncode != 0
    assert "nantong_credit.E001" in result.stdout + result.stderr
    assert "nantong_credit.E002" not in result.stdout + result.stderr


def test_it_refuses_production_without_the_identifier_hash_key(tmp_path):
    result = deploy_check(production_env(tmp_path, IDENTIFIER_HASH_KEY=None))

    assert result.returncode != 0
    assert "nantong_credit.E002" in result.stdout + result.stderr


def test_it_refuses_production_without_the_audit_chain_key(tmp_path):
    result = deploy_check(production_env(tmp_path, AUDIT_CHAIN_KEY=None))

    assert result.returncode != 0
    assert "nantong_credit.E005" in result.stdout + result.stderr


def test_it_refuses_production_keeping_audit_checkpoints_on_the_web_node(tmp_path):
    result = deploy_check(production_env(tmp_path, AUDIT_CHECKPOINT_DIR=None))

    assert result.returncode != 0
    assert "nantong_credit.E006" in result.stdout + result.stderr
    assert "nantong_credit.E005" not in result.stdout + result.stderr


def test_it_refuses_production_with_a_per_process_cache(tmp_path):
    result = deploy_check(production_env(tmp_path, REDIS_URL=None))

    assert result.returncode != 0
    assert "nantong_credit.E003" in result.stdout + result.stderr


@pytest.mark.parametrize("key", ["django-insecure-development-only-key-for-embedded-mode", "short"])
def test_it_refuses_a_weak_secret_key(tmp_path, key):
    result = deploy_check(production_env(tmp_path, SECRET_KEY=key))

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_it_refuses_production_where_staff_may_work_without_two_factor(tmp_path):
    result = deploy_check(production_env(tmp_path, TWO_FACTOR_REQUIRED_ROLES="center_clerk,auditor"))

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "nantong_credit.W012" in output and "provider_staff, catalog_admin, government_user" in output


def test_a_misspelt_two_factor_role_fails_the_system_check(settings):
    from nantong_credit.checks import two_factor_roles

    settings.TWO_FACTOR_REQUIRED_ROLES = ["center_clerk", "auditer"]
    errors = two_factor_roles(None)
    assert [error.id for error in errors] == ["nantong_credit.E012"] and "auditer" in errors[0].msg


def test_it_refuses_a_broker_that_would_hand_out_a_running_job_twice(tmp_path):
    """Redis redelivers a message unacknowledged for the visibility timeout: a chain verification
    (an hour's limit) would then run twice at once (issue 12 §3)."""
    result = deploy_check(production_env(tmp_path, CELERY_VISIBILITY_TIMEOUT="1800"))

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "nantong_credit.E007" in output and "audit.tasks.run_chain_verification" in output


OBJECT_STORE = {
    "STORAGE_BACKEND": "s3",
    "S3_ENDPOINT_URL": "https://oss.nantong.example",
    "S3_BUCKET": "credit-files",
    "S3_ACCESS_KEY_ID": "credit-app",
    "S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
}


def test_a_complete_object_store_passes_and_may_hold_the_audit_checkpoints(tmp_path):
    secret_file = tmp_path / "s3-secret"
    secret_file.write_text(secrets.token_urlsafe(30) + "\n", encoding="utf-8")
    result = deploy_check(
        production_env(
            tmp_path,
            **{
                **OBJECT_STORE,
                "S3_SECRET_ACCESS_KEY": None,
                "S3_SECRET_ACCESS_KEY_FILE": str(secret_file),
                "AUDIT_CHECKPOINT_DIR": None,
                "AUDIT_CHECKPOINT_BUCKET": "credit-audit-checkpoints",
            },
        )
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_with_an_incomplete_object_store(tmp_path):
    """Not only in production: every upload would fail, or go to Amazon's endpoint."""
    env = production_env(tmp_path, **{**OBJECT_STORE, "S3_ENDPOINT_URL": None, "S3_SECRET_ACCESS_KEY": None})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "nantong_credit.E014" in output and "S3_ENDPOINT_URL, S3_SECRET_ACCESS_KEY are not set" in output


@pytest.mark.parametrize("name, value", [("STORAGE_BACKEND", "nfs"), ("S3_ADDRESSING_STYLE", "dns")])
def test_a_misspelt_storage_setting_fails_the_system_check(settings, name, value):
    from nantong_credit.checks import file_storage

    for key, setting in {**OBJECT_STORE, name: value}.items():
        setattr(settings, key, setting)
    settings.AUDIT_CHECKPOINT_BUCKET = ""
    errors = file_storage(None)
    assert [error.id for error in errors] == ["nantong_credit.E014"] and repr(value) in errors[0].msg


def test_production_without_the_site_identifiers_is_refused(tmp_path):
    result = deploy_check(production_env(tmp_path, SITE_IDENTIFIER_CODE=None, ICP_RECORD_NUMBER=None))
    assert result.returncode != 0 and "nantong_credit.W023" in result.stderr
