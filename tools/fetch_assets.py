"""Fetch the browser assets of the site from npm, so the built book works offline.

    python tools/fetch_assets.py          # what `make book` runs first

MathJax, RequireJS, the Jupyter widget manager (``@jupyter-widgets/html-manager``)
and the Korean web font (Noto Sans KR from ``@fontsource``), in the versions pinned
in ``tools/offline_assets.py``, are downloaded with ``npm pack`` into ``.offline/npm/``,
checked against their sha512 integrity, and the files the pages load are copied into
``.offline/static/offline/``. Sphinx copies that folder to ``_build/html/_static/``.
Nothing here is committed (``.offline/`` is ignored).

Without npm (or without a network and no cached tarballs) this prints that the book
will load these assets from public CDNs instead, and exits 0: ``make book`` still
works, the site just needs the internet. CI has npm, so the offline build is tested.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools import offline_assets as va

ROOT = Path(__file__).resolve().parents[1]

CACHE = ROOT / ".offline" / "npm"
FALLBACK = (
    "fetch_assets: {why}\n"
    "fetch_assets: the book will load MathJax, RequireJS, the widget manager and the\n"
    "fetch_assets: Korean web font from public CDNs (cdn.jsdelivr.net); the site then\n"
    "fetch_assets: needs the internet. Install Node.js with npm for an offline site."
)


def tarball_name(name: str, version: str) -> str:
    """npm's file name for a packed package: ``@scope/pkg`` -> ``scope-pkg-1.0.tgz``."""
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def integrity_ok(path: Path, integrity: str) -> bool:
    algo, _, want = integrity.partition("-")
    digest = hashlib.new(algo, path.read_bytes()).digest()
    return base64.b64encode(digest).decode() == want


def fetch(name: str, spec: dict[str, str], npm: str) -> Path:
    """The verified tarball of ``name@version``, from the cache or from npm."""
    path = CACHE / tarball_name(name, spec["version"])
    if path.is_file() and integrity_ok(path, spec["integrity"]):
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "pack", f"{name}@{spec['version']}", "--pack-destination", str(CACHE)]
    subprocess.run(
        cmd + ["--silent"], check=True, stdout=subprocess.DEVNULL, timeout=600
    )
    if not integrity_ok(path, spec["integrity"]):
        path.unlink(missing_ok=True)
        raise RuntimeError(f"{name}@{spec['version']}: integrity check failed")
    return path


def unpack(tgz: Path, into: Path) -> Path:
    with tarfile.open(tgz) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - the tarballs are integrity-checked
            tar.extractall(into)  # noqa: S202
    return into / "package"


def copy_mathjax(pkg: Path, dest: Path) -> None:
    """The CommonHTML build with what it loads lazily (TeX extensions, menu, a11y)."""
    es5 = pkg / "es5"
    keep = re.compile(
        r"^(tex-mml-chtml\.js|input/.*|output/chtml\.js|output/chtml/.*"
        r"|ui/.*|a11y/.*|sre/.*)$"
    )
    for src in es5.rglob("*"):
        rel = src.relative_to(es5).as_posix()
        if src.is_file() and keep.match(rel):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    shutil.copy2(pkg / "LICENSE", dest / "LICENSE")


def copy_html_manager(pkg: Path, dest: Path) -> None:
    """``embed-amd.js`` and the font files it loads next to itself."""
    dest.mkdir(parents=True)
    for src in (pkg / "dist").iterdir():
        if src.name == "embed-amd.js" or src.suffix in {
            ".woff2",
            ".woff",
            ".ttf",
            ".eot",
            ".svg",
        }:
            shutil.copy2(src, dest / src.name)
    shutil.copy2(pkg / "LICENSE", dest / "LICENSE")


# Unicode blocks the Korean web font is used for: Hangul, CJK symbols and
# punctuation, kana, Hanja, full-width forms. Everything else (Latin, Greek,
# digits...) is left to the system fonts, so the face can come first in every
# font stack: a browser then never falls back to a font without Hangul (boxes).
HANGUL_BLOCKS = [
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x3000, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
]


def _ranges(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        lo, _, hi = part.strip().removeprefix("U+").removeprefix("u+").partition("-")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return out


def hangul_only(spec: str) -> str:
    """A CSS unicode-range cut down to HANGUL_BLOCKS ("" when nothing is left)."""
    kept = []
    for lo, hi in _ranges(spec):
        for blo, bhi in HANGUL_BLOCKS:
            a, b = max(lo, blo), min(hi, bhi)
            if a <= b:
                kept.append(f"U+{a:x}" + (f"-{b:x}" if b > a else ""))
    return ",".join(kept)


def copy_font(pkg: Path, dest: Path) -> None:
    """One CSS file: the woff2 faces of the weights used, cut to HANGUL_BLOCKS."""
    files = dest / "noto-sans-kr"
    files.mkdir(parents=True)
    css = []
    for weight in va.FONT_WEIGHTS:
        text = (pkg / f"{weight}.css").read_text(encoding="utf-8")
        for face in re.findall(r"@font-face\s*{[^}]*}", text):
            found = re.search(r"unicode-range:\s*([^;]+);", face)
            woff2 = re.search(r"url\(\./files/([^)]+\.woff2)\)", face)
            ranges = hangul_only(found.group(1)) if found else ""
            if not (ranges and woff2):
                continue
            face = re.sub(r",\s*url\([^)]*\.woff\) format\('woff'\)", "", face)
            face = face.replace("url(./files/", "url(noto-sans-kr/")
            css.append(face.replace(found.group(1), ranges))
            shutil.copy2(pkg / "files" / woff2.group(1), files / woff2.group(1))
    (dest / "noto-sans-kr.css").write_text(
        "/* Noto Sans KR (SIL OFL 1.1, noto-sans-kr/LICENSE) from @fontsource, "
        "Hangul and CJK ranges only */\n" + "\n".join(css) + "\n",
        encoding="utf-8",
    )
    shutil.copy2(pkg / "LICENSE", files / "LICENSE")


def copy_requirejs(pkg: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    shutil.copy2(pkg / "require.js", dest / "require.js")


COPY = {
    "mathjax": ("mathjax", copy_mathjax),
    "requirejs": ("requirejs", copy_requirejs),
    "@jupyter-widgets/html-manager": ("html-manager", copy_html_manager),
    "@fontsource/noto-sans-kr": ("fonts", copy_font),
}


def main() -> int:
    if va.offline_ready(ROOT):
        print("fetch_assets: offline assets up to date in .offline/static/offline/")
        return 0
    npm = shutil.which("npm")
    cached = all(
        (CACHE / tarball_name(n, s["version"])).is_file()
        for n, s in va.PACKAGES.items()
    )
    if npm is None and not cached:
        print(FALLBACK.format(why="npm not found."), file=sys.stderr)
        return 0
    try:
        tarballs = {n: fetch(n, s, npm or "npm") for n, s in va.PACKAGES.items()}
    except (OSError, subprocess.SubprocessError, RuntimeError) as err:
        print(FALLBACK.format(why=f"npm pack failed: {err}"), file=sys.stderr)
        return 0
    out_root = va.offline_root(ROOT)
    out_root.mkdir(parents=True, exist_ok=True)
    final = out_root / va.STATIC_SUBDIR
    with tempfile.TemporaryDirectory(dir=out_root) as tmp:
        staged = Path(tmp) / va.STATIC_SUBDIR
        for name, tgz in tarballs.items():
            subdir, copy = COPY[name]
            copy(unpack(tgz, Path(tmp) / "unpacked" / subdir), staged / subdir)
        manifest = {
            "packages": {n: s["version"] for n, s in va.PACKAGES.items()},
            "layout": va.LAYOUT,
            "note": "fetched by tools/fetch_assets.py; not committed",
        }
        (staged / va.MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        if final.exists():
            shutil.rmtree(final)
        os.replace(staged, final)
    size = sum(f.stat().st_size for f in final.rglob("*") if f.is_file())
    print(
        f"fetch_assets: {len(tarballs)} packages -> {final.relative_to(ROOT)} "
        f"({size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
