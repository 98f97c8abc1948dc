"""Where the shared test material (`../shared/external`, public files nobody here wrote) lives.

Beside the checkout as `../shared` normally; `DUKUNGAN_SHARED_DIR` overrides; `/work/shared` is the
place on these machines when the checkout is cloned elsewhere (CI clones into a fresh folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

REPO = Path(__file__).resolve().parent.parent


def _find() -> Path:
    for base in (os.environ.get("DUKUNGAN_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if base and (Path(base) / "external").is_dir():
            return Path(base) / "external"
    return REPO.parent / "shared" / "external"  # absent: the tests that need it skip, or fail under CI


EXTERNAL = _find()
SPECIMEN = EXTERNAL / "ktp-specimen-chawza" / "image_clean.jpeg"  # the fictional specimen e-KTP


def specimen_bgr() -> NDArray[np.uint8]:
    """The specimen card as OpenCV reads it (BGR); the calling test is skipped where it is absent."""
    if not SPECIMEN.exists():
        pytest.skip("specimen image not present")
    img = cv2.imread(str(SPECIMEN))
    assert img is not None
    return np.asarray(img, dtype=np.uint8)
