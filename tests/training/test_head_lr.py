"""`head_lr`: the parameters outside the pretrained encoder get their own learning rate."""

import re
from pathlib import Path

import pytest
from allennlp.common import Params
from allennlp.training.learning_rate_schedulers import LearningRateScheduler
from allennlp.training.optimizers import Optimizer

from tests import MLDOC_FIXTURES, NER_FIXTURES, UD_FIXTURES
from tests.conftest import one_training_step

NO_DECAY = re.compile(r"bias|LayerNorm\.weight|layer_norm\.weight")
CONFIGS = {
    "pos.jsonnet": UD_FIXTURES / "en_dev.conllu",
    "parsing.jsonnet": UD_FIXTURES / "en_dev.conllu",
    "ner.jsonnet": NER_FIXTURES / "en_dev.conll",
    "mldoc.jsonnet": MLDOC_FIXTURES / "en_dev.txt",
}


def settings_by_name(
    optimizer: Optimizer, model_parameters: list
) -> dict[str, tuple[float, float]]:
    """(lr, weight_decay) of every parameter handed to the optimizer, by parameter name."""
    names = {id(parameter): name for name, parameter in model_parameters}
    return {
        names[id(parameter)]: (group["lr"], group["weight_decay"])
        for group in optimizer.param_groups
        for parameter in group["params"]
    }


def optimizer_settings(config: str, data: Path, **ext_vars: str) -> dict[str, tuple[float, float]]:
    model, _, optimizer = one_training_step(config, data, {"lr": "5e-5", **ext_vars})
    return settings_by_name(optimizer, list(model.named_parameters()))


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_head_parameters_get_head_lr_and_encoder_parameters_lr(config: str) -> None:
    settings = optimizer_settings(config, CONFIGS[config], head_lr="1e-3")
    paper = optimizer_settings(config, CONFIGS[config], head_lr="none")
    assert settings.keys() == paper.keys()
    encoder = [name for name in settings if "transformer_model." in name]
    head = [name for name in settings if "transformer_model." not in name]
    assert encoder and head
    assert {settings[name][0] for name in encoder} == {5e-5}
    assert {settings[name][0] for name in head} == {1e-3}
    # The paper's recipe: one rate for all.
    assert {lr for lr, _ in paper.values()} == {5e-5}
    # Weight decay is the same with and without head_lr: none on biases and LayerNorm weights.
    for name, (_, decay) in settings.items():
        assert decay == paper[name][1] == (0.0 if NO_DECAY.search(name) else 0.01), name


def test_warmup_and_decay_apply_to_both_groups() -> None:
    model, _, optimizer = one_training_step(
        "parsing.jsonnet", UD_FIXTURES / "en_dev.conllu", {"lr": "5e-5", "head_lr": "1e-3"}
    )
    scheduler = LearningRateScheduler.from_params(
        Params({"type": "linear_with_warmup_ratio", "warmup_ratio": 0.1}),
        optimizer=optimizer,
        num_epochs=2,
        num_steps_per_epoch=50,
    )
    peaks = [group["initial_lr"] for group in optimizer.param_groups]
    assert set(peaks) == {5e-5, 1e-3}
    for step, factor in [(5, 0.5), (10, 1.0), (55, 0.5), (100, 0.0)]:  # warmup: 10 steps
        scheduler.step_batch(step)
        for group, peak in zip(optimizer.param_groups, peaks, strict=True):
            assert group["lr"] == pytest.approx(factor * peak, rel=1e-9, abs=1e-15)
