"""The one encoder set-up shared by the word and sequence embedders."""

import pytest
import torch

from tests import TINY_MBERT, TINY_XLMR
from xlt_allennlp.modules.token_embedders import (
    PretrainedTransformerFirstSubwordEmbedder,
    PretrainedTransformerSequenceEmbedder,
)
from xlt_allennlp.modules.transformer_backbone import TransformerBackbone


@pytest.mark.parametrize(
    "embedder_class",
    [PretrainedTransformerFirstSubwordEmbedder, PretrainedTransformerSequenceEmbedder],
)
def test_both_embedders_are_the_backbone(embedder_class: type) -> None:
    embedder = embedder_class(TINY_MBERT, freeze_layers=2, last_layer_only=False)
    assert isinstance(embedder, TransformerBackbone)
    assert embedder.transformer_model.pooler is None
    assert embedder.scalar_mix is not None
    assert len(embedder.scalar_mix.scalar_parameters) == embedder.config.num_hidden_layers + 1
    assert embedder.trains() and not embedder.eval_mode


def test_encoder_of_an_archive_written_before_the_backbone_still_loads() -> None:
    torch.manual_seed(1)
    trained = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT)
    for parameter in trained.parameters():
        torch.nn.init.normal_(parameter)
    old_names = {
        key.replace("transformer_model.", "_matched_embedder.transformer_model.", 1): value
        for key, value in trained.state_dict().items()
    }
    assert all(key.startswith("_matched_embedder.") for key in old_names)
    loaded = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT)
    loaded.load_state_dict(old_names)  # strict: every key found under its new name
    for (name, expected), actual in zip(
        trained.state_dict().items(), loaded.state_dict().values(), strict=True
    ):
        assert torch.equal(expected, actual), name


def test_xlmr_positions_exclude_the_padding_offset() -> None:
    backbone = TransformerBackbone(TINY_XLMR)
    assert backbone.max_positions == backbone.config.max_position_embeddings - 2
    too_long = torch.ones(1, backbone.max_positions + 1, dtype=torch.long)
    with pytest.raises(ValueError, match="do not fit the encoder"):
        backbone.encode(too_long, too_long.bool())


def test_fully_frozen_backbone_runs_without_autograd_in_eval_mode() -> None:
    backbone = TransformerBackbone(TINY_MBERT, train_parameters=False, last_layer_only=False)
    backbone.train()
    assert backbone.eval_mode and not backbone.transformer_model.training
    ids = torch.tensor([[2, 5, 6, 3]])
    output = backbone.encode(ids, ids > 0)
    assert output.requires_grad  # through the trainable layer mix only
    output.sum().backward()
    assert all(p.grad is None for p in backbone.transformer_model.parameters())
