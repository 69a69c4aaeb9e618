"""Constants of the MLDoc and XNLI fixtures, and their generator as a module (the trained
classifiers are the session fixtures `mldoc_run` and `xnli_run` of tests/conftest.py)."""

import importlib.util
import sys
from types import ModuleType

from tests import FIXTURES_ROOT, MLDOC_FIXTURES, XNLI_FIXTURES

__all__ = ["MLDOC_FIXTURES", "MLDOC_LANGUAGES", "XNLI_FIXTURES", "XNLI_LANGUAGES", "load_generator"]

MLDOC_LANGUAGES = ["en", "de", "fr", "es", "ru", "zh", "ja"]
XNLI_LANGUAGES = ["en", "de", "fr", "es", "ru", "ar", "zh", "hi"]


def load_generator() -> ModuleType:
    """`fixtures/make_classification_fixtures.py` as a module."""
    path = FIXTURES_ROOT / "make_classification_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_classification_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module
