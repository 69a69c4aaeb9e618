import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from allennlp.commands.train import train_model_from_file
from allennlp.common import Params
from allennlp.data import DataLoader, DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.training.optimizers import Optimizer
from hypothesis import settings

import xlt_allennlp  # noqa: F401  (registers everything)
from tests import (
    FIXTURE_CONFIGS,
    MLDOC_FIXTURES,
    NER_FIXTURES,
    PROJECT_ROOT,
    UD_FIXTURES,
    XNLI_FIXTURES,
)

# Test files that use a trained run of a session fixture below, by run: under pytest-xdist
# (scripts/test.sh) each group of files goes to one worker, so each run is trained once; every
# other test is scheduled on its own. (Files, not `xdist_group` marks: with pytest 9, xdist's
# `--dist loadgroup` does not see the marks.)
SHARED_RUN_FILES = {
    "tests/parsing/models/test_transformer_biaffine_parser.py": "parsing_run",
    "tests/parsing/predictors/test_transformer_biaffine_parser.py": "parsing_run",
    "tests/tagging/models/test_first_subword_tagger.py": "pos_run",
    "tests/tagging/predictors/test_first_subword_tagger.py": "pos_run",
    "tests/tagging/predictors/test_raw_text_pos.py": "pos_run",
    "tests/tagging/predictors/test_raw_text_ner.py": "ner_run",
    "tests/parsing/predictors/test_raw_text_parser.py": "parsing_run",
    "tests/evaluation/test_languages.py": "pos_run",
    "tests/training/test_weight_averaging.py": "pos_run",
    "tests/tagging/models/test_ner_tagger.py": "ner_run",
    "tests/tagging/predictors/test_ner_predictions.py": "ner_run",
    "tests/classification/test_evaluate_classification.py": "classification_runs",
    "tests/classification/predictors/test_transformer_classifier.py": "classification_runs",
    "tests/training/test_strategies_all_tasks.py": "freeze_3_runs",
}
# Single tests (all parametrizations) that use a trained run, in files that use several runs.
SHARED_RUN_TESTS = {
    **{
        f"tests/commands/test_score_consistency.py::test_{task}_scores_agree": run
        for task, run in [
            ("pos", "pos_run"),
            ("parsing", "parsing_run"),
            ("ner", "ner_run"),
            ("mldoc", "classification_runs"),
            ("xnli", "classification_runs"),
        ]
    },
    **{
        f"tests/test_cli_promises.py::{test}": run
        for test, run in [
            ("test_predict_output_that_looks_complete_is_complete", "pos_run"),
            ("test_predict_needs_no_gold_and_names_bad_json_lines", "pos_run"),
            ("test_evaluate_reports_a_bad_file_in_one_line", "pos_run"),
            ("test_parser_scores_are_the_same_with_predictions_dir", "parsing_run"),
        ]
    },
}


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class SharedRunScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            test = nodeid.split("[", 1)[0]
            if test in SHARED_RUN_TESTS:
                return SHARED_RUN_TESTS[test]
            return SHARED_RUN_FILES.get(nodeid.split("::", 1)[0], nodeid)

    return SharedRunScheduling(config, log)


# Property-based tests (tests/data/test_reader_fuzzing.py): few examples in the suite;
# `--hypothesis-profile=thorough` searches longer. No deadline: CI machines are slow and shared.
settings.register_profile("ci", max_examples=8, deadline=None)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    # One BLAS thread per xdist worker on a machine with as many cores as workers: no
    # oversubscription (results do not depend on the thread count).
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))


# Settings under which the tiny random-weight fixture encoder learns the POS fixture in seconds
# (the configs' own defaults are the paper's, for a pretrained mBERT).
# One learning rate for encoder and head (`head_lr=none`, the paper's recipe): the random tiny
# encoder wants a rate far above a pretrained one's.
TINY_TRAINING = {"lr": "2e-3", "epochs": "6", "batch_size": "16", "head_lr": "none"}


@pytest.fixture(scope="session", autouse=True)
def _tiny_encoder_by_default() -> Iterator[None]:
    # The configs' encoder is mBERT, which is not available offline: every test uses the tiny
    # fixture encoder unless it sets `encoder` itself (relative to the repository root, where
    # every test runs, as archives store it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("encoder", "fixtures/encoders/tiny-mbert")
        yield


@pytest.fixture(autouse=True)
def _run_from_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Config defaults point at fixtures/ relative to the repository root.
    monkeypatch.chdir(PROJECT_ROOT)


@contextmanager
def ext_vars_set(ext_vars: dict[str, str]) -> Iterator[None]:
    """Sets ext vars (environment variables) for the block, restoring the old values after."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in ext_vars.items():
            patch.setenv(key, value)
        yield


def train_config(
    config: str, serialization_dir: Path, ext_vars: dict[str, str], overrides: str = ""
) -> dict[str, float]:
    """Trains `fixtures/configs/<config>` with ext vars set; returns metrics.json."""
    with ext_vars_set(ext_vars):
        train_model_from_file(
            str(FIXTURE_CONFIGS / config),
            str(serialization_dir),
            overrides=overrides,
            force=True,
        )
    return json.loads((serialization_dir / "metrics.json").read_text())


def one_training_step(
    config: str, data_path: Path, ext_vars: dict[str, str]
) -> tuple[Model, dict[str, torch.Tensor], Optimizer]:
    """Builds `fixtures/configs/<config>` with ext vars set and runs one optimizer step on the
    first batch of `data_path`, as allennlp's trainer would (same model, loader and optimizer).
    Returns the model, its parameters before the step, and the optimizer."""
    with ext_vars_set(ext_vars):
        params = Params.from_file(str(FIXTURE_CONFIGS / config))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    loader = DataLoader.from_params(
        params.pop("data_loader"), reader=reader, data_path=str(data_path)
    )
    vocab = Vocabulary.from_instances(loader.iter_instances())
    loader.index_with(vocab)
    model = Model.from_params(params.pop("model"), vocab=vocab)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    # Exactly what allennlp's trainer hands to the optimizer.
    trainable = [[n, p] for n, p in model.named_parameters() if p.requires_grad]
    optimizer = Optimizer.from_params(
        model_parameters=trainable, params=params.pop("trainer").pop("optimizer")
    )
    model.train()
    model(**next(iter(loader)))["loss"].backward()
    optimizer.step()
    return model, before, optimizer


def _session_run(
    factory: pytest.TempPathFactory,
    config: str,
    train_path: Path,
    ext_vars: dict[str, str] | None = None,
) -> tuple[Path, dict[str, float]]:
    directory = factory.mktemp(config.split(".")[0] + "_run")
    # Session fixtures run outside the per-test chdir of `_run_from_project_root`.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(PROJECT_ROOT)
        metrics = train_config(
            config,
            directory / "run",
            {**TINY_TRAINING, "train_path": str(train_path), **(ext_vars or {})},
        )
    return directory / "run", metrics


@pytest.fixture(scope="session")
def pos_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """A POS tagger trained once per test session on the English fixture (tiny mBERT)."""
    return _session_run(tmp_path_factory, "pos.jsonnet", UD_FIXTURES / "en_train.conllu")


@pytest.fixture(scope="session")
def ner_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """An NER tagger (softmax head) trained once per session on the English CoNLL fixture."""
    return _session_run(tmp_path_factory, "ner.jsonnet", NER_FIXTURES / "en_train.conll")


@pytest.fixture(scope="session")
def mldoc_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """An MLDoc classifier trained once per session on the English fixture (tiny mBERT)."""
    return _session_run(tmp_path_factory, "mldoc.jsonnet", MLDOC_FIXTURES / "en_train.txt")


@pytest.fixture(scope="session")
def xnli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """An XNLI classifier trained once per session on the MultiNLI-style English fixture."""
    return _session_run(tmp_path_factory, "xnli.jsonnet", XNLI_FIXTURES / "multinli_train.jsonl")


# The tiny random-weight encoder needs more updates for parsing than for tagging.
PARSING_TRAINING = {"lr": "3e-3", "epochs": "15", "batch_size": "8", "head_lr": "none"}


@pytest.fixture(scope="session")
def parsing_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """A parser (no gold POS input) trained once per session on the English UD fixture."""
    return _session_run(
        tmp_path_factory, "parsing.jsonnet", UD_FIXTURES / "en_train.conllu", PARSING_TRAINING
    )
