"""pytest's settings for the whole repository: the tests and the notebooks alike
(``make test``, ``make unit``, ``make nbval``, a plain ``pytest``)."""

import os

from tools import numerics

# Before torch computes anything: the kernels every x86-64 machine reproduces, one
# thread per process; the notebook kernels nbval starts inherit both.
numerics.use_portable()

import pytest  # noqa: E402

#: Tests that skipped in this run (collected on the controller, also under xdist).
SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Under ``VI_NO_SKIPS=1`` (``.ci/run``) a skipped test fails the run: in CI
    every check must run, so a missing tool cannot pass unnoticed."""
    if os.environ.get("VI_NO_SKIPS") == "1" and SKIPPED and exitstatus == 0:
        print(f"\nVI_NO_SKIPS=1: {len(SKIPPED)} test(s) skipped:\n  "
              + "\n  ".join(SKIPPED))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
