"""Engines: built lazily, and warmed on demand (a worker at its start, a benchmark before its clock)."""

from __future__ import annotations

from pipelines.engines.rapid import RapidEngine
from pipelines.engines.registry import Engines


def test_nothing_loads_until_asked() -> None:
    engines = Engines()
    assert engines._tesseract is None and engines._tesseract_check is None and not engines._rapid_tried


def test_warming_loads_every_model_before_the_first_page() -> None:
    engines = Engines()
    try:
        engines.warm()
        assert engines.tesseract._all and engines.tesseract_check._all  # an API open for this thread, each
        rapid = engines.rapid
        assert isinstance(rapid, RapidEngine) and rapid._ocr is not None  # the models are in memory
    finally:
        engines.close()
        if isinstance(engines._rapid, RapidEngine):
            engines._rapid.close()


def test_a_worker_warms_only_the_models_its_threads_share() -> None:
    engines = Engines()
    try:
        engines.warm(this_thread=False)
        assert engines._tesseract is None and engines._tesseract_check is None  # no API for this thread
        rapid = engines.rapid
        assert isinstance(rapid, RapidEngine) and rapid._ocr is not None
    finally:
        if isinstance(engines._rapid, RapidEngine):
            engines._rapid.close()
