"""Soft freezing: the `pretrained_anchor` regularizer (L2-SP toward the pretrained weights).

The expected penalties are computed here from the encoder's weights on disk, by parameter name
(BERT naming: `embeddings.` = layer 0, `encoder.layer.i.` = layer i + 1), independently of the
structure-based layer search of the package. Training runs: the tiny encoder (4 blocks), one or
two epochs of the 60-sentence English dev fixture, batch 8 (8 optimizer steps an epoch).
"""

import json
import re
from pathlib import Path
from typing import Optional

import pytest
import torch
from allennlp.commands.train import train_model_from_file
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.models import Model
from allennlp.models.archival import load_archive
from allennlp.training import GradientDescentTrainer
from transformers import AutoModel

from tests import FIXTURE_CONFIGS, FIXTURES_ROOT, NER_FIXTURES, TINY_MBERT, TINY_XLMR, UD_FIXTURES
from tests.conftest import ext_vars_set, one_training_step
from xlt_allennlp.common import ConfigError
from xlt_allennlp.modules.pretrained_weights import aligned_to, offset_from_pretrained
from xlt_allennlp.training import PretrainedAnchor
from xlt_allennlp.training.anchor_distance import ANCHOR_DISTANCE_FILE

ENCODER = "text_field_embedder.token_embedder_tokens.transformer_model."
DEV = UD_FIXTURES / "en_dev.conllu"
TASK_DATA = {
    "pos.jsonnet": DEV,
    "ner.jsonnet": NER_FIXTURES / "en_dev.conll",
    "parsing.jsonnet": DEV,
    "mldoc.jsonnet": FIXTURES_ROOT / "data" / "mldoc" / "en_dev.txt",
    "xnli.jsonnet": FIXTURES_ROOT / "data" / "xnli" / "multinli_dev_matched.jsonl",
}
# One config for each model: tagger (pos, ner), parser, classifier (mldoc, xnli).
MODEL_TYPES = ("pos.jsonnet", "parsing.jsonnet", "mldoc.jsonnet")
SOFT = {"freeze": "2", "freeze_mode": "soft"}
# Training runs: 8 steps an epoch; validation on the 4 sentences of the edge-case fixture.
ONE_EPOCH = {"train_path": str(DEV), "dev_path": str(UD_FIXTURES / "en_edge_cases.conllu"),
             "epochs": "1", "batch_size": "8", "lr": "2e-3", "head_lr": "none"}  # fmt: skip


def layer_by_name(name: str) -> Optional[int]:
    """0 for the embeddings, i + 1 for `encoder.layer.i.`, None for anything else."""
    if name.startswith("embeddings."):
        return 0
    block = re.match(r"encoder\.layer\.(\d+)\.", name)
    return None if block is None else int(block.group(1)) + 1


def pretrained(encoder: str = TINY_MBERT) -> dict[str, torch.Tensor]:
    return AutoModel.from_pretrained(encoder).state_dict()


def encoder_offsets(model: Model, encoder: str = TINY_MBERT) -> dict[str, torch.Tensor]:
    """θ − θ₀ (float64) of every encoder parameter of `model`, by its name in the encoder."""
    weights = pretrained(encoder)
    return {
        name[len(ENCODER) :]: (p.detach().double() - weights[name[len(ENCODER) :]].double())
        for name, p in model.named_parameters()
        if name.startswith(ENCODER)
    }


def expected_penalty(offsets: dict[str, torch.Tensor], strength: float, freeze: int,
                     decay: float = 1.0) -> float:  # fmt: skip
    """Σ over layers l <= freeze of strength · decay^l / 2 · ||θ − θ₀||², by hand."""
    total = 0.0
    for name, offset in offsets.items():
        layer = layer_by_name(name)
        if layer is not None and layer <= freeze:
            total += strength * decay**layer / 2 * float(offset.pow(2).sum())
    return total


def train(run: Path, ext_vars: dict[str, str], recover: bool = False) -> Model:
    with ext_vars_set({**ONE_EPOCH, **ext_vars}):
        return train_model_from_file(str(FIXTURE_CONFIGS / "pos.jsonnet"), str(run),
                                     recover=recover, force=not recover)  # fmt: skip


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["bert", "xlmr"])
def test_penalty_zero_at_start_hand_computed_after_a_step_gradient_strength_times_offset(
    encoder: str,
) -> None:
    strength, decay = 0.5, 0.5
    ext_vars = {"encoder": encoder, **SOFT, "freeze_strength": str(strength),
                "freeze_decay": str(decay), "lr": "1e-2", "batch_size": "8"}  # fmt: skip
    model, before, _ = one_training_step("pos.jsonnet", DEV, ext_vars)
    # One optimizer step (task loss only) moved every parameter: a penalty by hand.
    offsets = encoder_offsets(model, encoder)
    expected = expected_penalty(offsets, strength, freeze=2, decay=decay)
    assert expected > 0
    assert model.get_regularization_penalty().item() == pytest.approx(expected, rel=1e-5)
    # d penalty / d θ = strength_l · (θ − θ₀) on layers 0..2, nothing elsewhere.
    model.zero_grad(set_to_none=True)
    model.get_regularization_penalty().backward()
    for name, parameter in model.named_parameters():
        layer = layer_by_name(name[len(ENCODER) :]) if name.startswith(ENCODER) else None
        if layer is not None and layer <= 2:
            expected_grad = (strength * decay**layer * offsets[name[len(ENCODER) :]]).float()
            torch.testing.assert_close(parameter.grad, expected_grad, rtol=1e-5, atol=1e-9)
        else:
            assert parameter.grad is None, name
    # Back at the start (θ = θ₀): exactly zero.
    model.load_state_dict(before, strict=False)
    assert model.get_regularization_penalty().item() == 0.0


@pytest.mark.parametrize("config", sorted(TASK_DATA))
def test_freeze_mode_soft_in_every_task_config(config: str) -> None:
    with ext_vars_set({**SOFT, "freeze_strength": "3.0"}):
        params = Params.from_file(str(FIXTURE_CONFIGS / config)).as_dict(quiet=True)
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["freeze_layers"] == -1  # nothing hard-frozen
    assert params["model"]["regularizer"] == {"regexes": [["transformer_model\\.", {
        "type": "pretrained_anchor", "strength": 3.0, "freeze_layers": 2, "depth_decay": 1.0,
    }]]}  # fmt: skip
    assert params["trainer"]["callbacks"] == [{"type": "anchor_distance"}]
    if config in MODEL_TYPES:  # built and penalized, one config per model type
        ext_vars = {**SOFT, "freeze_strength": "3.0", "lr": "1e-2"}
        model, _, _ = one_training_step(config, TASK_DATA[config], ext_vars)
        expected = expected_penalty(encoder_offsets(model), 3.0, freeze=2)
        assert expected > 0
        assert model.get_regularization_penalty().item() == pytest.approx(expected, rel=1e-5)
    # Hard freezing (the default) is unchanged: no regularizer, no callback.
    with ext_vars_set({"freeze": "2"}):
        hard = Params.from_file(str(FIXTURE_CONFIGS / config)).as_dict(quiet=True)
    assert "regularizer" not in hard["model"] and "callbacks" not in hard["trainer"]
    assert hard["model"]["text_field_embedder"]["token_embedders"]["tokens"]["freeze_layers"] == 2


def test_found_by_name_from_a_jsonnet_config(tmp_path: Path) -> None:
    config = tmp_path / "anchored.jsonnet"
    config.write_text(
        f"(import '{FIXTURE_CONFIGS / 'pos.jsonnet'}') + {{ model+: {{ regularizer: {{ regexes: "
        "[['transformer_model\\\\.', {type: 'pretrained_anchor', strength: 2.0, "
        "freeze_layers: 1}]] } } }"
    )
    model, _, _ = one_training_step(str(config), DEV, {"lr": "1e-2"})
    expected = expected_penalty(encoder_offsets(model), 2.0, freeze=1)
    assert model.get_regularization_penalty().item() == pytest.approx(expected, rel=1e-5)


def test_strength_zero_trains_bit_identically_to_no_regularizer(tmp_path: Path) -> None:
    plain = train(tmp_path / "plain", {})
    anchored = train(tmp_path / "anchored", {**SOFT, "freeze_strength": "0"})
    plain_state, anchored_state = plain.state_dict(), anchored.state_dict()
    assert plain_state.keys() == anchored_state.keys()  # no θ₀ in the state dict
    for name, value in plain_state.items():
        assert torch.equal(value, anchored_state[name]), name
    metrics = json.loads((tmp_path / "anchored" / "metrics.json").read_text())
    plain_metrics = json.loads((tmp_path / "plain" / "metrics.json").read_text())
    assert metrics["training_reg_loss"] == 0.0 and "training_reg_loss" not in plain_metrics
    assert metrics["training_loss"] == plain_metrics["training_loss"]
    # The archive loads as any other (nothing of the anchor in it) and anchors the same way.
    archived = load_archive(str(tmp_path / "anchored" / "model.tar.gz")).model
    assert archived.state_dict().keys() == plain_state.keys()


def test_huge_strength_holds_the_anchored_layers_while_the_rest_trains(tmp_path: Path) -> None:
    # Adam moves a parameter by about the learning rate per step whatever its gradient, so a huge
    # penalty holds the anchored layers within about lr of θ₀, while the rest drifts for 16 steps.
    settings = {**SOFT, "freeze_strength": "1e4", "lr": "3e-4", "epochs": "2"}
    train(tmp_path / "run", settings)
    (last,) = (tmp_path / "run").glob("model_state_e*.th")  # the last epoch's weights
    state, weights = torch.load(last), pretrained()

    def max_change(anchored: bool) -> float:
        return max(
            float((value - weights[name[len(ENCODER) :]]).abs().max())
            for name, value in state.items()
            if name.startswith(ENCODER)
            and (layer_by_name(name[len(ENCODER) :]) in (0, 1, 2)) == anchored
        )

    assert max_change(anchored=True) < 1e-3
    assert max_change(anchored=False) > 1.5e-3
    distances = json.loads((tmp_path / "run" / ANCHOR_DISTANCE_FILE).read_text())
    layers = distances[ENCODER.rstrip(".")]["per_epoch"][-1]["distances"]
    assert len(layers) == 5 and max(layers[:3]) < min(layers[3:]) / 3


def test_a_recovered_run_is_anchored_to_the_pretrained_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, settings = tmp_path / "run", {**SOFT, "freeze_strength": "1.0", "epochs": "2"}
    train_epoch = GradientDescentTrainer._train_epoch

    def interrupted(trainer: GradientDescentTrainer, epoch: int) -> dict[str, float]:
        if epoch == 1:
            raise KeyboardInterrupt  # Ctrl-C after the first epoch's checkpoint
        return train_epoch(trainer, epoch)

    with monkeypatch.context() as patch:
        patch.setattr(GradientDescentTrainer, "_train_epoch", interrupted)
        with pytest.raises(KeyboardInterrupt):
            train(run, settings)
    (checkpoint,) = run.glob("model_state_e*.th")
    after_first_epoch = torch.load(checkpoint)
    model = train(run, settings, recover=True)
    offsets, weights = encoder_offsets(model), pretrained()
    expected = expected_penalty(offsets, 1.0, freeze=2)
    # What anchoring to the weights found at the first call (the checkpoint's) would give.
    from_checkpoint = {
        name: offset + weights[name].double() - after_first_epoch[ENCODER + name].double()
        for name, offset in offsets.items()
    }
    wrong = expected_penalty(from_checkpoint, 1.0, freeze=2)
    assert abs(expected - wrong) > 0.1 * expected
    assert model.get_regularization_penalty().item() == pytest.approx(expected, rel=1e-5)
    # The distances of the first epoch survived the interruption (kept in the checkpoint).
    history = json.loads((run / ANCHOR_DISTANCE_FILE).read_text())[ENCODER.rstrip(".")]
    assert [item["epoch"] for item in history["per_epoch"]] == [0, 1]


def test_matching_a_parameter_outside_an_encoder_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="not a weight of a pretrained encoder"):
        PretrainedAnchor()(torch.nn.Parameter(torch.zeros(3)))
    with pytest.raises(ConfigurationError, match="strength and depth_decay must be >= 0"):
        PretrainedAnchor(strength=-1.0)


def test_freeze_layers_above_the_encoders_blocks_is_an_error() -> None:
    model, _, _ = one_training_step("pos.jsonnet", DEV, {**SOFT, "freeze": "5"})
    with pytest.raises(ConfigurationError, match="freeze_layers must be between 0 and 4"):
        model.get_regularization_penalty()


def test_resized_embeddings_are_anchored_on_the_rows_they_share() -> None:
    pretrained_rows = torch.arange(12.0).reshape(4, 3)
    grown = torch.ones(6, 3)
    assert torch.equal(aligned_to(grown, pretrained_rows), pretrained_rows)
    assert torch.equal(offset_from_pretrained(grown, pretrained_rows), 1 - pretrained_rows)
    shrunk = torch.ones(2, 3)
    assert torch.equal(offset_from_pretrained(shrunk, aligned_to(shrunk, pretrained_rows)),
                       1 - pretrained_rows[:2])  # fmt: skip
    with pytest.raises(ConfigurationError, match="does not match its pretrained value"):
        aligned_to(torch.ones(4, 2), pretrained_rows)


@pytest.mark.parametrize(
    ("ext_vars", "message"),
    [
        ({"freeze_mode": "firm", "freeze": "3"}, "must be 'hard' or 'soft', not 'firm'"),
        ({"freeze_mode": "soft"}, "freeze_mode=soft needs freeze=n"),
        ({"freeze_mode": "soft", "mode": "feature"}, "soft cannot be combined with mode=feature"),
        ({"freeze": "3", "freeze_strength": "1.0"}, "freeze_strength needs freeze_mode=soft"),
    ],
)
def test_bad_soft_freezing_settings_are_refused(ext_vars: dict[str, str], message: str) -> None:
    with ext_vars_set(ext_vars), pytest.raises(ConfigError, match=re.escape(message)):
        Params.from_file(str(FIXTURE_CONFIGS / "pos.jsonnet"))
