"""The browser assets the site needs, pinned: where they come from and where they go.

One table for two readers: ``tools/fetch_assets.py`` downloads each package with
``npm pack`` and copies the listed files into ``.offline/static/offline/`` (ignored,
never committed), and the Sphinx extension ``book/_ext/vi_site.py`` points the
pages at those copies, or at the public CDN URLs below when the fetch could not run
(no npm).
"""

from __future__ import annotations

from pathlib import Path

# name -> version and the sha512 integrity npm reports for its tarball
PACKAGES: dict[str, dict[str, str]] = {
    "mathjax": {
        "version": "3.2.2",
        "integrity": (
            "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x"
            "77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
        ),
    },
    "requirejs": {
        "version": "2.3.8",
        "integrity": (
            "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5"
            "SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw=="
        ),
    },
    "@jupyter-widgets/html-manager": {
        "version": "1.0.6",
        "integrity": (
            "sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbp"
            "mgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ=="
        ),
    },
    "@fontsource/noto-sans-kr": {
        "version": "5.3.0",
        "integrity": (
            "sha512-/JnpTjaCOXW7xUoqOyCVYSr05VOkDy5Yla9O+WAEiS7u+yYLsmHoq"
            "j6v1W0bf91G8G3XA2+NnRS3CX2Tf/FVZg=="
        ),
    },
}

# weights of the Korean web font the theme uses (body text and bold/headings)
FONT_WEIGHTS = (400, 700)

# Under the Sphinx static path: `_static/offline/...` in the built site.
# (`_static/vendor/` belongs to pydata-sphinx-theme, hence another name.)
STATIC_SUBDIR = "offline"
MANIFEST = "manifest.json"
LAYOUT = 2  # bump when tools/fetch_assets.py copies other files: forces a re-fetch

# paths relative to `_static/`
LOCAL = {
    "mathjax": f"{STATIC_SUBDIR}/mathjax/tex-mml-chtml.js",
    "requirejs": f"{STATIC_SUBDIR}/requirejs/require.js",
    "html-manager": f"{STATIC_SUBDIR}/html-manager/embed-amd.js",
    "font-css": f"{STATIC_SUBDIR}/fonts/noto-sans-kr.css",
}


def _cdn(name: str) -> str:
    return f"https://cdn.jsdelivr.net/npm/{name}@{PACKAGES[name]['version']}"


CDN = {
    "mathjax": f"{_cdn('mathjax')}/es5/tex-mml-chtml.js",
    "requirejs": f"{_cdn('requirejs')}/require.js",
    "html-manager": f"{_cdn('@jupyter-widgets/html-manager')}/dist/embed-amd.js",
    "font-css": [f"{_cdn('@fontsource/noto-sans-kr')}/{w}.css" for w in FONT_WEIGHTS],
}
# where the widget manager looks for third-party widget modules (none are used)
CDN_WIDGETS = "https://cdn.jsdelivr.net/npm/"


def offline_root(book_root: Path) -> Path:
    """The ignored folder the fetch writes: added to Sphinx's html_static_path."""
    return Path(book_root) / ".offline" / "static"


def offline_ready(book_root: Path) -> bool:
    """True when every pinned package has been fetched in its pinned version."""
    import json

    manifest = offline_root(book_root) / STATIC_SUBDIR / MANIFEST
    try:
        got = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    want = {name: spec["version"] for name, spec in PACKAGES.items()}
    return (
        got.get("packages") == want
        and got.get("layout") == LAYOUT
        and all((offline_root(book_root) / rel).is_file() for rel in LOCAL.values())
    )
