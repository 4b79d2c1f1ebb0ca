import gc

import pytest

from config.collector import YOUNG_THRESHOLD, tune_collector


@pytest.fixture
def restored_collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_loaded_heap_is_frozen_and_young_collections_are_rarer(restored_collector):
    middle, old = gc.get_threshold()[1:]
    gc.unfreeze()

    tune_collector()

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_THRESHOLD, middle, old)


def test_the_wsgi_application_tunes_the_collector(restored_collector):
    import importlib

    import config.wsgi

    gc.set_threshold(700, 10, 10)
    importlib.reload(config.wsgi)

    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
