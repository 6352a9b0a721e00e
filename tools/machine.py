"""The machine a measurement ran on: one description for every stamp the book writes."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from tools import numerics


def cpu_model() -> str:
    """The CPU's model name (Linux /proc/cpuinfo, macOS sysctl), for timing stamps."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True, text=True, check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def machine(threads: int | None = None) -> dict:
    """Platform, CPU, cores, torch threads, versions and the load average now."""
    return {
        "platform": platform.platform(),
        "processor": cpu_model(),
        "cpu_count": os.cpu_count(),
        "torch_threads": threads if threads is not None else torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
        "numerics": numerics.describe(),
    }
