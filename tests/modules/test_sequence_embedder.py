"""The subword-level embedder of the sentence classifiers: freezing, full layer mix, type ids."""

import pytest
import torch
from allennlp.data import Batch, Vocabulary
from allennlp.models import Model
from allennlp.modules.scalar_mix import ScalarMix
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder
from allennlp.training.optimizers import Optimizer
from transformers import AutoModel

from tests import TINY_MBERT, TINY_XLMR, conftest
from tests.classification.classification_runs import MLDOC_FIXTURES, XNLI_FIXTURES
from xlt_allennlp.classification.dataset_readers import XnliReader
from xlt_allennlp.modules.encoder_families import encoder_layout
from xlt_allennlp.modules.token_embedders import PretrainedTransformerSequenceEmbedder


def pair_batch(encoder: str, count: int = 4) -> dict[str, torch.Tensor]:
    reader = XnliReader(encoder)
    instances = list(reader.read(str(XNLI_FIXTURES / "xnli.dev.tsv")))[:count]
    for instance in instances:
        reader.apply_token_indexers(instance)
    batch = Batch(instances)
    batch.index_instances(Vocabulary.from_instances(instances))
    return batch.as_tensor_dict()["tokens"]["tokens"]


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["bert", "xlmr"])
def test_last_layer_matches_allennlp_embedder_and_uses_type_ids(encoder: str) -> None:
    tensors = pair_batch(encoder)
    ours = PretrainedTransformerSequenceEmbedder(encoder).eval()
    theirs = PretrainedTransformerEmbedder(encoder).eval()
    output = ours(**tensors)
    assert output.shape == (*tensors["token_ids"].shape, ours.get_output_dim())
    assert torch.allclose(output, theirs(**tensors), atol=1e-5)
    if encoder == TINY_MBERT:  # BERT has two token types: the second sentence is type 1
        assert tensors["type_ids"].max() == 1
        no_types = ours(tensors["token_ids"], tensors["mask"])
        assert not torch.allclose(output, no_types, atol=1e-3)


def test_pooler_removed_and_every_parameter_gets_a_gradient() -> None:
    """No parameter without a gradient: distributed training (DDP) needs that."""
    embedder = PretrainedTransformerSequenceEmbedder(TINY_MBERT)
    assert embedder.transformer_model.pooler is None
    embedder(**pair_batch(TINY_MBERT)).sum().backward()
    missing = [n for n, p in embedder.named_parameters() if p.grad is None or not p.grad.any()]
    assert missing == []


def test_all_layer_mix_covers_the_embedding_layer_too() -> None:
    tensors = pair_batch(TINY_MBERT)
    embedder = PretrainedTransformerSequenceEmbedder(TINY_MBERT, last_layer_only=False).eval()
    mix = embedder.scalar_mix
    assert isinstance(mix, ScalarMix) and len(mix.scalar_parameters) == 4 + 1
    with torch.no_grad():
        for index, parameter in enumerate(mix.scalar_parameters):
            parameter.fill_(float(index))
        mix.gamma.fill_(2.0)
    hidden = (
        AutoModel.from_pretrained(TINY_MBERT)
        .eval()(
            input_ids=tensors["token_ids"],
            attention_mask=tensors["mask"].long(),
            token_type_ids=tensors["type_ids"],
            output_hidden_states=True,
        )
        .hidden_states
    )
    assert len(hidden) == 5
    weights = torch.softmax(torch.arange(5.0), dim=0)
    expected = 2.0 * sum(w * h for w, h in zip(weights, hidden, strict=True))
    assert torch.allclose(embedder(**tensors), expected, atol=1e-5)
    embedder(**tensors).sum().backward()
    assert all(p.grad is not None for p in mix.parameters())


def test_fully_frozen_encoder_runs_in_eval_mode_without_autograd() -> None:
    embedder = PretrainedTransformerSequenceEmbedder(
        TINY_MBERT, train_parameters=False, last_layer_only=False
    )
    embedder.train()
    assert not embedder.transformer_model.training  # dropout off: the same features every time
    tensors = pair_batch(TINY_MBERT)
    first, second = embedder(**tensors), embedder(**tensors)
    assert torch.equal(first, second)
    first.sum().backward()
    assert all(p.grad is None for p in embedder.transformer_model.parameters())
    assert all(p.grad is not None for p in embedder.scalar_mix.parameters())


def test_too_long_input_is_refused() -> None:
    embedder = PretrainedTransformerSequenceEmbedder(TINY_XLMR)
    ids = torch.ones(1, 600, dtype=torch.long)
    with pytest.raises(ValueError, match="600 subwords do not fit the encoder \\(512 positions\\)"):
        embedder(ids, torch.ones_like(ids, dtype=torch.bool))


def one_training_step(config: str, encoder: str, freeze: str) -> tuple[Model, dict, Optimizer]:
    ext_vars = {"encoder": encoder, "freeze": freeze, "lr": "1e-2", "batch_size": "8"}
    data = {
        "mldoc.jsonnet": MLDOC_FIXTURES / "en_dev.txt",
        "xnli.jsonnet": XNLI_FIXTURES / "xnli.dev.tsv",
    }
    return conftest.one_training_step(config, data[config], ext_vars)


@pytest.mark.parametrize(
    ("config", "encoder"), [("mldoc.jsonnet", TINY_MBERT), ("xnli.jsonnet", TINY_XLMR)]
)
@pytest.mark.parametrize("freeze", ["none", "0", "2"])
def test_freeze_from_the_config(config: str, encoder: str, freeze: str) -> None:
    model, before, optimizer = one_training_step(config, encoder, freeze)
    transformer = model.text_field_embedder.token_embedder_tokens.transformer_model
    layout = encoder_layout(transformer)
    embeddings, blocks = layout.layers[0][0], [layer[0] for layer in layout.layers[1:]]
    n = -1 if freeze == "none" else int(freeze)
    frozen = {id(p) for layer in range(n + 1) for p in layout.parameters(layer)}
    optimizer_ids = {id(p) for group in optimizer.param_groups for p in group["params"]}
    name_of = {id(p): name for name, p in model.named_parameters()}

    def moved(module: torch.nn.Module) -> bool:
        return any(not torch.equal(p, before[name_of[id(p)]]) for p in module.parameters())

    for parameter in model.parameters():
        assert (id(parameter) in optimizer_ids) == (id(parameter) not in frozen)
        if id(parameter) in frozen:
            assert parameter.grad is None
    for index, block in enumerate(blocks):
        assert moved(block) == (index >= n), index
    assert moved(embeddings) == (n < 0)
    assert moved(model.classification_layer)
