import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]

# Notebooks that tests read as data, not chapters for nbval to run.
collect_ignore = ["fixtures"]


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    yield


@pytest.fixture(scope="session")
def small_data():
    import vi_helpers as vh

    return vh.make_dataset(n=500, sigma=1.5, seed=3)
