"""The SPARQL editor's files (YASGUI's build and our `sparql.js`) under a versioned URL.

`/assets/<version>/<name>`: `version` is a digest of every file served here, so a new
YASGUI (`npm ci` after a change to package-lock.json) or a new `sparql.js` changes every
URL, and a browser can keep what it has for a year without asking again
(`Cache-Control: public, max-age=31536000, immutable`). A URL with any other version
answers 404: it names bytes this server no longer has. The files keep their names under
one version, so the references inside them (`yasgui.min.js.map`) still resolve.

YASGUI comes from `node_modules/` (installed by `npm ci`, never from a CDN), looked for
in the settings' root first, then in the checkout this package runs from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

YASGUI_BUILD = Path("node_modules") / "@zazuko" / "yasgui" / "build"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map")
OWN_STATIC = Path(__file__).resolve().parent / "static"
OWN_FILES = ("sparql.js",)
CHECKOUT = Path(__file__).resolve().parents[3]
IMMUTABLE = "public, max-age=31536000, immutable"
# Flask adds `; charset=utf-8` to the text types.
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}


@dataclass(frozen=True)
class EditorAssets:
    """The files served under `/assets/<version>/`, by name."""

    version: str
    files: dict[str, Path]
    digests: dict[str, str]  # name -> SHA-256 of its bytes (hex): the file's ETag

    def url_path(self, name: str) -> str:
        """The path (after the script root) of `name` under the current version."""
        return f"/assets/{self.version}/{name}"

    def media_type(self, name: str) -> str:
        return MEDIA_TYPES[Path(name).suffix]


def _yasgui_folder(settings_root: Path) -> Path | None:
    for root in (settings_root, CHECKOUT):
        folder = Path(root).resolve() / YASGUI_BUILD
        if (folder / YASGUI_FILES[0]).is_file():
            return folder
    return None


@lru_cache(maxsize=4)
def editor_assets(root: Path) -> EditorAssets:
    """The editor's files and their version, for the settings' `root` (read once per
    worker and root: a few MB hashed)."""
    files = {name: OWN_STATIC / name for name in OWN_FILES}
    folder = _yasgui_folder(root)
    if folder is not None:
        files.update({name: folder / name for name in YASGUI_FILES if (folder / name).is_file()})
    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}
    version = hashlib.sha256()
    for name, digest in sorted(digests.items()):
        version.update(f"{name}\0{digest}\n".encode())
    return EditorAssets(version.hexdigest()[:16], files, digests)
