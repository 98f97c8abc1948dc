"""Where the shared test material (`../shared/external`, public files nobody here wrote) lives.

Beside the checkout as `../shared` normally; `DUKUNGAN_SHARED_DIR` overrides; `/work/shared` is the
place on these machines when the checkout is cloned elsewhere (CI clones into a fresh folder).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _find() -> Path:
    for base in (os.environ.get("DUKUNGAN_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if base and (Path(base) / "external").is_dir():
            return Path(base) / "external"
    return REPO.parent / "shared" / "external"  # absent: the tests that need it skip, or fail under CI


EXTERNAL = _find()
