"""The layers are contracts, not prose: `lint-imports` checks them (pyproject.toml,
`[tool.importlinter]`: cli -> runtime -> export -> web -> store -> content -> config,
errors; the store never imports web, content neither the store nor web)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.live import REPOSITORY


def test_no_module_imports_from_a_layer_above_its_own():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
