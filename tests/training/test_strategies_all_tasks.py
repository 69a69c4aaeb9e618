"""`freeze=3` and `mode=feature` train every task config, and do to the encoder what they say;
and training is deterministic: the same seed gives the same metrics and weights.

One epoch on each task's English dev fixture (train = dev, to stay fast) with the tiny encoder
(4 blocks); the archived encoder weights are compared with the encoder on disk.
"""

import json
from pathlib import Path

import pytest
import torch
from allennlp.models.archival import load_archive
from transformers import AutoModel

from tests import FIXTURES_ROOT, NER_FIXTURES, TINY_MBERT, UD_FIXTURES
from tests.conftest import train_config

DEV_FILES = {
    "pos": UD_FIXTURES / "en_dev.conllu",
    "ner": NER_FIXTURES / "en_dev.conll",
    "parsing": UD_FIXTURES / "en_dev.conllu",
    "mldoc": FIXTURES_ROOT / "data" / "mldoc" / "en_dev.txt",
    "xnli": FIXTURES_ROOT / "data" / "xnli" / "multinli_dev_matched.jsonl",
}
EMBEDDER = "text_field_embedder.token_embedder_tokens."
ENCODER = "transformer_model."  # inside the embedder


FREEZE_3 = {"freeze": "3", "lr": "1e-3"}
TIMES_AND_MEMORY = ("duration", "_memory_MB")  # in metrics.json, not reproducible


def train_one_epoch(task: str, run: Path, strategy: dict[str, str]) -> dict[str, torch.Tensor]:
    dev = str(DEV_FILES[task])
    ext_vars = {"train_path": dev, "dev_path": dev, "epochs": "1", "batch_size": "16"}
    train_config(f"{task}.jsonnet", run, {**ext_vars, **strategy})
    return archived_state(run)


def encoder_changes(state: dict[str, torch.Tensor]) -> dict[str, bool]:
    """Parameter name of the encoder -> whether training changed it."""
    original = AutoModel.from_pretrained(TINY_MBERT).state_dict()
    changed = {}
    for name, value in state.items():
        if name.startswith(EMBEDDER) and ENCODER in name:
            key = name.split(ENCODER, 1)[1]
            changed[key] = not torch.equal(value, original[key])
    assert changed, "no encoder parameters found in the archive"
    return changed


@pytest.fixture(scope="module")
def freeze_3_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """task -> a `freeze=3` run, trained once for the tests below (this file's tests share a
    worker under xdist: tests/conftest.py)."""
    runs = {}
    for task in DEV_FILES:
        runs[task] = tmp_path_factory.mktemp(f"{task}_freeze3") / "run"
        train_one_epoch(task, runs[task], FREEZE_3)
    return runs


def archived_state(run: Path) -> dict[str, torch.Tensor]:
    model = load_archive(str(run / "model.tar.gz")).model
    return {name: value.detach() for name, value in model.state_dict().items()}


@pytest.mark.parametrize("task", list(DEV_FILES))
def test_freeze_3(task: str, freeze_3_runs: dict[str, Path]) -> None:
    state = archived_state(freeze_3_runs[task])
    changed = encoder_changes(state)
    frozen = ("embeddings.", "encoder.layer.0.", "encoder.layer.1.", "encoder.layer.2.")
    for name, was_changed in changed.items():
        if name.startswith(frozen):
            assert not was_changed, f"{name} is frozen but changed"
    top_block = [changed[name] for name in changed if name.startswith("encoder.layer.3.")]
    assert top_block and all(top_block), "the block above the frozen ones did not train"
    # Fine-tuning's default word vectors: a learned mix of the last 4 hidden states (word-level
    # tasks); the sentence tasks use the last layer's first token.
    mix = [name for name in state if name.startswith(EMBEDDER + "_scalar_mix.scalar_parameters")]
    assert len(mix) == (4 if task in ("pos", "ner", "parsing") else 0)


@pytest.mark.parametrize("task", list(DEV_FILES))
def test_mode_feature(task: str, tmp_path: Path) -> None:
    state = train_one_epoch(task, tmp_path / "run", {"mode": "feature"})
    changed = encoder_changes(state)
    assert not any(changed.values()), "the feature-based mode changed the encoder"
    mix = sorted(name for name in state if name.startswith(EMBEDDER + "_scalar_mix."))
    # 4 blocks + the embedding layer, and the learned scale (gamma).
    assert len([name for name in mix if "scalar_parameters" in name]) == 5
    assert EMBEDDER + "_scalar_mix.gamma" in mix
    assert any("_module.weight_hh_l1" in name for name in state), "no 2-layer LSTM"
    assert (tmp_path / "run" / "layer_weights.json").exists()


@pytest.mark.parametrize("task", list(DEV_FILES))
def test_same_seed_same_result(task: str, freeze_3_runs: dict[str, Path], tmp_path: Path) -> None:
    # Two CPU runs in one process (same thread count) with the config's seed: identical
    # metrics and weights, bit for bit (README "Determinism" says what differs on GPUs).
    first, again = freeze_3_runs[task], tmp_path / "again"
    state = train_one_epoch(task, again, FREEZE_3)
    metrics = []
    for run in (first, again):
        values = json.loads((run / "metrics.json").read_text())
        metrics.append({k: v for k, v in values.items() if not k.endswith(TIMES_AND_MEMORY)})
    assert metrics[0] == metrics[1]
    first_state = archived_state(first)
    assert state.keys() == first_state.keys()
    assert all(torch.equal(state[name], first_state[name]) for name in state)
