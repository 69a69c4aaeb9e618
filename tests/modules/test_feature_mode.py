"""Feature-based mode: frozen encoder, trained layer mix (n_layers + 1 weights) and BiLSTM."""

import shutil
from pathlib import Path

import pytest
import torch
from allennlp.models import Model
from allennlp.training.optimizers import Optimizer
from transformers import BertConfig, BertModel

from tests import TINY_MBERT, TINY_XLMR, UD_FIXTURES, conftest
from xlt_allennlp.modules.token_embedders import PretrainedTransformerFirstSubwordEmbedder


def feature_mode_step(encoder: str) -> tuple[Model, dict[str, torch.Tensor], Optimizer]:
    """Builds pos.jsonnet with mode=feature and runs one training step as allennlp's trainer."""
    ext_vars = {"encoder": encoder, "mode": "feature", "batch_size": "8"}
    return conftest.one_training_step("pos.jsonnet", UD_FIXTURES / "en_dev.conllu", ext_vars)


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["bert", "xlmr"])
def test_only_the_mix_and_the_lstm_train(encoder: str) -> None:
    model, before, optimizer = feature_mode_step(encoder)
    embedder = model.text_field_embedder.token_embedder_tokens
    transformer = embedder.transformer_model
    mix = embedder.scalar_mix
    assert mix is not None
    assert len(mix.scalar_parameters) == transformer.config.num_hidden_layers + 1
    # The mix weights and scale get gradients and move.
    for parameter in [*mix.scalar_parameters, mix.gamma]:
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0
    name_of = {id(p): name for name, p in model.named_parameters()}
    assert not torch.equal(mix.gamma, before[name_of[id(mix.gamma)]])
    # Every encoder weight: no gradient, no optimizer state, bit-identical after the step.
    optimizer_ids = {id(p) for group in optimizer.param_groups for p in group["params"]}
    encoder_ids = {id(p) for p in transformer.parameters()}
    assert encoder_ids
    for parameter in transformer.parameters():
        name = name_of[id(parameter)]
        assert parameter.grad is None, name
        assert id(parameter) not in optimizer_ids and parameter not in optimizer.state, name
        assert torch.equal(parameter, before[name]), name
    # Everything else (mix, BiLSTM, output layer) is trained.
    assert optimizer_ids == {id(p) for p in model.parameters()} - encoder_ids
    assert model.encoder.get_input_dim() == 64 and model.encoder.get_output_dim() == 128
    lstm_weight = model.encoder._module.weight_ih_l1_reverse
    assert not torch.equal(lstm_weight, before[name_of[id(lstm_weight)]])
    # The frozen encoder is a fixed feature extractor: eval mode (no dropout) under model.train().
    assert model.training and embedder.training and not transformer.training
    assert not any(module.training for module in transformer.modules())


def test_frozen_encoder_runs_without_autograd_and_deterministically() -> None:
    embedder = PretrainedTransformerFirstSubwordEmbedder(
        TINY_MBERT, train_parameters=False, last_layer_only=False
    )
    embedder.train()
    token_ids = torch.tensor([[5, 6, 7, 8]])
    mask = torch.ones(1, 4, dtype=torch.bool)
    seen = []
    hook = embedder.transformer_model.register_forward_hook(
        lambda module, args, output: seen.append(output.hidden_states)
    )
    first = embedder.embed_subwords(token_ids, mask)
    hook.remove()
    assert not any(hidden.requires_grad for hidden in seen[0])  # no graph through the encoder
    assert first.requires_grad  # ... but through the mix
    assert torch.equal(first, embedder.embed_subwords(token_ids, mask))  # dropout is off
    # A fine-tuned encoder keeps its dropout in training mode.
    trained = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT)
    trained.train()
    assert trained.transformer_model.training


def test_a_12_layer_encoder_gets_13_mix_weights(tmp_path: Path) -> None:
    encoder = tmp_path / "bert-12-layers"
    encoder.mkdir()
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(Path(TINY_MBERT) / name, encoder / name)
    config = BertConfig.from_pretrained(TINY_MBERT)
    config.update({"num_hidden_layers": 12, "hidden_size": 16, "num_attention_heads": 2,
                   "intermediate_size": 32})  # fmt: skip
    BertModel(config).save_pretrained(encoder)
    embedder = PretrainedTransformerFirstSubwordEmbedder(
        str(encoder), train_parameters=False, last_layer_only=False
    )
    assert embedder.scalar_mix is not None and len(embedder.scalar_mix.scalar_parameters) == 13
