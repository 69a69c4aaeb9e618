"""MLDoc and XNLI models trained once per test session on the English fixtures (tiny mBERT),
and the fixtures' generator.

Shared by the model, predictor and command tests: `trained_run(tmp_path_factory, "mldoc")`
trains `training_configs/mldoc.jsonnet` the first time it is called and returns the same run
afterwards (tests/conftest.py is not ours to extend with session fixtures).
"""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests import FIXTURES_ROOT, PROJECT_ROOT
from tests.conftest import TINY_TRAINING, train_config

MLDOC_FIXTURES = FIXTURES_ROOT / "data" / "mldoc"
XNLI_FIXTURES = FIXTURES_ROOT / "data" / "xnli"
MLDOC_LANGUAGES = ["en", "de", "fr", "es", "ru", "zh", "ja"]
XNLI_LANGUAGES = ["en", "de", "fr", "es", "ru", "ar", "zh", "hi"]

_RUNS: dict[str, tuple[Path, dict[str, float]]] = {}


def trained_run(factory: pytest.TempPathFactory, task: str) -> tuple[Path, dict[str, float]]:
    """(serialization directory, metrics.json) of `<task>.jsonnet` trained with its defaults
    (the English fixtures) and the tiny-encoder settings of tests/conftest.py."""
    if task not in _RUNS:
        directory = factory.mktemp(f"{task}_run") / "run"
        cwd = os.getcwd()
        os.chdir(PROJECT_ROOT)
        try:
            metrics = train_config(f"{task}.jsonnet", directory, dict(TINY_TRAINING))
        finally:
            os.chdir(cwd)
        _RUNS[task] = (directory, metrics)
    return _RUNS[task]


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
