"""Every app's tests are collected by the command CI and the README run (`pytest` with the
testpaths of pytest.ini): an app missing there has tests that never run anywhere."""

import configparser
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _testpaths() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    return set(config["pytest"]["testpaths"].split())


def test_every_project_app_with_tests_is_in_testpaths():
    listed = _testpaths()
    with_tests = set()
    for app in apps.get_app_configs():
        path = Path(app.path)
        if ROOT not in path.parents or not any(path.rglob("tests/test_*.py")):
            continue
        with_tests.add(path.relative_to(ROOT).parts[0])
    assert with_tests, "no project app found"
    assert with_tests <= listed, f"apps whose tests pytest never collects: {sorted(with_tests - listed)}"
