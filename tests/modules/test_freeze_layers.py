"""Layer freezing: frozen parameters get no gradient, no optimizer state and do not move."""

import pytest
import torch
from allennlp.models import Model
from allennlp.training.optimizers import Optimizer

from tests import FAMILY_ENCODERS, TINY_MBERT, UD_FIXTURES, conftest
from xlt_allennlp.modules.encoder_families import encoder_layout


def one_training_step(encoder: str, freeze: str) -> tuple[Model, dict, Optimizer]:
    ext_vars = {"encoder": encoder, "freeze": freeze, "lr": "1e-2", "batch_size": "8"}
    return conftest.one_training_step("pos.jsonnet", UD_FIXTURES / "en_dev.conllu", ext_vars)


@pytest.mark.parametrize("encoder", FAMILY_ENCODERS.values(), ids=FAMILY_ENCODERS.keys())
@pytest.mark.parametrize("freeze", ["none", "0", "2", "4"])
def test_frozen_layers_unchanged_others_trained(encoder: str, freeze: str) -> None:
    model, before, optimizer = one_training_step(encoder, freeze)
    transformer = model.text_field_embedder.token_embedder_tokens.transformer_model
    layout = encoder_layout(transformer)
    n = -1 if freeze == "none" else int(freeze)
    frozen_ids = {id(p) for layer in range(n + 1) for p in layout.parameters(layer)}
    optimizer_ids = {id(p) for group in optimizer.param_groups for p in group["params"]}
    for name, parameter in model.named_parameters():
        if id(parameter) in frozen_ids:
            assert parameter.grad is None, name
            assert id(parameter) not in optimizer_ids and parameter not in optimizer.state, name
            assert torch.equal(parameter, before[name]), name  # bit-identical, no weight decay
        else:
            assert id(parameter) in optimizer_ids, name
    name_of = {id(p): name for name, p in model.named_parameters()}

    def moved(layer: int) -> bool:
        return any(not torch.equal(p, before[name_of[id(p)]]) for p in layout.parameters(layer))

    # Everything not frozen trains: the layers above n (0 = embeddings), and the tagger.
    for layer in range(len(layout.layers)):
        assert moved(layer) == (layer > n), layer
    head = model.tag_projection_layer.parameters()
    assert any(not torch.equal(p, before[name_of[id(p)]]) for p in head)


def test_freeze_out_of_range() -> None:
    with pytest.raises(Exception, match="between -1 \\(none\\) and 4"):
        one_training_step(TINY_MBERT, "5")
