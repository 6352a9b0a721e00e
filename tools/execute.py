"""Re-execute notebooks in place: ``python -m tools.execute PATH...``.

Each notebook runs from a fresh kernel of *this* Python (the one running the
command, so the project's ``.venv``), in the notebook's own folder. Cell tags and
metadata are kept; absolute local paths are stripped from the outputs. A cell that
raises or writes to stderr stops the run with a message naming the notebook and the
cell, and that notebook is left as it was. The wall time of each notebook goes into
``book/data/notebook-times.json`` (merged with what is there), with the date, the
CPU, the core count and the torch version; the workshop schedules
(``book/<lang>/_schedule.md``) are then written again from that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from tools import numerics
from tools.machine import cpu_model

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT / "book" / "data" / "notebook-times.json"
TIMEOUT = 600  # seconds per cell


class NotebookFailed(RuntimeError):
    """A notebook raised in a cell, or wrote to stderr."""


def find_notebooks(paths: list[str | Path]) -> list[Path]:
    """The ``.ipynb`` files among ``paths`` (folders are searched recursively)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(
                q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts
            )
        elif p.suffix == ".ipynb" and p.is_file():
            found.append(p)
        else:
            raise ValueError(f"path must be a notebook or a folder, got {str(p)!r}")
    return found


def _kernel_manager():
    """A kernel manager that starts ``sys.executable -m ipykernel_launcher``.

    The ``python3`` kernelspec of an environment says just ``python``, which is
    whatever comes first on PATH; this pins the kernel to the current interpreter.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    class CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = super().get_kernel_spec(kernel_name)
            spec.argv = [sys.executable, *spec.argv[1:]]
            return spec

    return KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvSpecs())


def _local_prefixes() -> list[tuple[str, str]]:
    """Absolute paths that may leak into outputs, longest first, with replacements."""
    pairs = {
        str(ROOT): ".",
        sys.prefix: "<env>",
        sys.base_prefix: "<python>",
        str(Path.home()): "~",
    }
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def _strip(text, prefixes):
    if isinstance(text, list):
        return [_strip(t, prefixes) for t in text]
    if not isinstance(text, str):
        return text
    for path, repl in prefixes:
        text = text.replace(path, repl)
    return text


def strip_paths(nb) -> None:
    """Replace absolute local paths in every text output of ``nb`` (in place)."""
    prefixes = _local_prefixes()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = _strip(out["text"], prefixes)
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    out["data"][mime] = _strip(value, prefixes)


def check_clean(nb, path: Path) -> None:
    """Raise :class:`NotebookFailed` if a cell wrote to stderr."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                raise NotebookFailed(
                    f"{path}: code cell {i} (execution count "
                    f"{cell.get('execution_count')}) wrote to stderr:\n{text.strip()}"
                )


def execute(path: Path) -> float:
    """Run ``path`` from a fresh kernel and write it back; returns the wall time (s)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        km=_kernel_manager(),
        timeout=TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        # the kernel's own log (not cell output) warns on every start that local
        # TCP is unencrypted; errors still show
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        raise NotebookFailed(f"{path}: a cell failed\n{e}") from None
    seconds = time.perf_counter() - start
    check_clean(nb, path)
    strip_paths(nb)
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python",
    }
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def _key(path: Path) -> str:
    """``en/01-x.ipynb`` for a notebook under ``notebooks/``, else its path."""
    path = path.resolve()
    for parent in path.parents:
        if parent.name == "notebooks":
            return path.relative_to(parent).as_posix()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def record_times(times: dict[str, float], out: Path = TIMES) -> dict:
    """Merge ``times`` into the JSON file ``out`` with the date and the machine."""
    import torch

    data = json.loads(out.read_text()) if out.is_file() else {}
    data.update({k: round(v, 1) for k, v in times.items()})
    data["measured_on"] = dt.date.today().isoformat()
    data["machine"] = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
    }
    notebooks = sorted(k for k in data if k.endswith(".ipynb"))
    ordered = {k: data[k] for k in notebooks}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n")
    return ordered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.execute",
        description="Re-execute notebooks in place and record their run times.",
    )
    parser.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    parser.add_argument(
        "--times", type=Path, default=TIMES,
        help="JSON file for the run times (default: book/data/notebook-times.json)",
    )
    args = parser.parse_args(argv)
    try:
        notebooks = find_notebooks(args.paths)
    except ValueError as e:
        parser.error(str(e))
    if not notebooks:
        parser.error("no notebooks found")
    times: dict[str, float] = {}
    failed = None
    for nb in notebooks:
        print(f"executing {nb} ...", end=" ", flush=True)
        try:
            seconds = execute(nb)
        except NotebookFailed as e:
            print("FAILED")
            failed = e
            break
        times[_key(nb)] = seconds
        print(f"{seconds:.1f} s")
    if times:
        record_times(times, args.times)
        if Path(args.times).resolve() == TIMES.resolve():
            # the workshop's schedules are built from these times: keep them in step
            from . import schedule

            for path in schedule.write():
                print(f"wrote {path}")
    if failed is not None:
        print(f"\n{failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    numerics.restart_portable()
    sys.exit(main())
