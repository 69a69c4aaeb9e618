"""`freeze=3` and `mode=feature` train every task config, and do to the encoder what they say.

One epoch on each task's English dev fixture (train = dev, to stay fast) with the tiny encoder
(4 blocks); the archived encoder weights are compared with the encoder on disk.
"""

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


def train_one_epoch(task: str, run: Path, strategy: dict[str, str]) -> dict[str, torch.Tensor]:
    dev = str(DEV_FILES[task])
    ext_vars = {"train_path": dev, "dev_path": dev, "epochs": "1", "batch_size": "16"}
    train_config(f"{task}.jsonnet", run, {**ext_vars, **strategy})
    model = load_archive(str(run / "model.tar.gz")).model
    return {name: value.detach() for name, value in model.state_dict().items()}


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


@pytest.mark.parametrize("task", list(DEV_FILES))
def test_freeze_3(task: str, tmp_path: Path) -> None:
    state = train_one_epoch(task, tmp_path / "run", {"freeze": "3", "lr": "1e-3"})
    changed = encoder_changes(state)
    frozen = ("embeddings.", "encoder.layer.0.", "encoder.layer.1.", "encoder.layer.2.")
    for name, was_changed in changed.items():
        if name.startswith(frozen):
            assert not was_changed, f"{name} is frozen but changed"
    top_block = [changed[name] for name in changed if name.startswith("encoder.layer.3.")]
    assert top_block and all(top_block), "the block above the frozen ones did not train"
    assert not any(EMBEDDER + "_scalar_mix" in name for name in state)


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
