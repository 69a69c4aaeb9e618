"""Layer freezing: frozen parameters get no gradient, no optimizer state and do not move."""

import pytest
import torch
from allennlp.models import Model
from allennlp.training.optimizers import Optimizer

from tests import TINY_MBERT, TINY_XLMR, UD_FIXTURES, conftest
from xlt_allennlp.modules.freeze_layers import embeddings_and_blocks


def one_training_step(encoder: str, freeze: str) -> tuple[Model, dict, Optimizer]:
    ext_vars = {"encoder": encoder, "freeze": freeze, "lr": "1e-2", "batch_size": "8"}
    return conftest.one_training_step("pos.jsonnet", UD_FIXTURES / "en_dev.conllu", ext_vars)


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["bert", "xlmr"])
@pytest.mark.parametrize("freeze", ["none", "0", "2", "4"])
def test_frozen_layers_unchanged_others_trained(encoder: str, freeze: str) -> None:
    model, before, optimizer = one_training_step(encoder, freeze)
    transformer = model.text_field_embedder.token_embedder_tokens.transformer_model
    embeddings, blocks = embeddings_and_blocks(transformer)
    n = -1 if freeze == "none" else int(freeze)
    frozen_modules = [] if n < 0 else [embeddings, *blocks[:n]]
    frozen_ids = {id(p) for module in frozen_modules for p in module.parameters()}
    optimizer_ids = {id(p) for group in optimizer.param_groups for p in group["params"]}
    for name, parameter in model.named_parameters():
        if id(parameter) in frozen_ids:
            assert parameter.grad is None, name
            assert id(parameter) not in optimizer_ids and parameter not in optimizer.state, name
            assert torch.equal(parameter, before[name]), name  # bit-identical, no weight decay
    name_of = {id(p): name for name, p in model.named_parameters()}

    def moved(module: torch.nn.Module) -> bool:
        return any(not torch.equal(p, before[name_of[id(p)]]) for p in module.parameters())

    # Everything not frozen trains: the blocks above n, the embeddings when n < 0, the tagger.
    for index, block in enumerate(blocks):
        assert moved(block) == (index >= n), index
    assert moved(embeddings) == (n < 0)
    assert moved(model.tag_projection_layer)


def test_freeze_out_of_range() -> None:
    with pytest.raises(Exception, match="between -1 \\(none\\) and 4"):
        one_training_step(TINY_MBERT, "5")
