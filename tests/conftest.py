from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

# Notebooks that tests read as data, not chapters for nbval to run.
collect_ignore = ["fixtures"]


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    yield
    # a test that fakes torch.get_num_threads can make code "restore" the fake
    # number for real; every test ends on the process's one thread
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def small_data():
    import vi_helpers as vh

    return vh.make_dataset(n=500, sigma=1.5, seed=3)


#: The longest test modules and notebooks of a CI run (on 2 cores: the fresh-venv
#: handout test alone 150-250 s, chapter 5 about 100 s per language),
#: collected first. `make test` hands whole modules to its two workers in
#: collection order (`--dist loadscope`), so a long one collected last would leave
#: the other worker idle while it runs; longest first keeps both busy to the end.
LONGEST_FIRST = ("tests/test_student.py", "notebooks/en/05-", "notebooks/ko/05-",
                 "tests/test_evaluate.py", "notebooks/en/03-", "notebooks/ko/03-",
                 "tests/test_lab.py", "notebooks/en/04-", "notebooks/ko/04-")


def schedule_rank(path: Path) -> int:
    """Where a test file goes in the run: its place in LONGEST_FIRST, else after."""
    try:
        rel = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return len(LONGEST_FIRST)
    return next((i for i, prefix in enumerate(LONGEST_FIRST) if rel.startswith(prefix)),
                len(LONGEST_FIRST))


#: Fixtures that open Chromium: a test that uses one is slow (not in `make unit`).
BROWSER_FIXTURES = {"browser", "browser_site", "open_page"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: schedule_rank(item.path))  # stable: a file keeps its order

