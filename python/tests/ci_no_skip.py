"""pytest plugin: under CI=true a skipped test is a failure (an expected
failure, `xfail`, is not a skip and stays allowed)."""

from __future__ import annotations

import os

import pytest

STRICT = os.environ.get("CI") == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which allows no skip: {report.longrepr}"


def pytest_collectreport(report):
    if STRICT and report.skipped:
        report.outcome = "failed"
