import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, Vocabulary
from allennlp.modules import Embedding
from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
from allennlp_models.structured_prediction.models.biaffine_dependency_parser import (
    BiaffineDependencyParser,
)

from tests import FIXTURE_CONFIGS, TINY_MBERT, UD_FIXTURES
from tests.conftest import PARSING_TRAINING, train_config
from xlt_allennlp.data.token_indexers.first_subword_indexer import (
    PretrainedTransformerFirstSubwordIndexer,
)
from xlt_allennlp.modules.token_embedders.first_subword_embedder import (
    PretrainedTransformerFirstSubwordEmbedder,
)
from xlt_allennlp.parsing.dataset_readers import UdParsingReader
from xlt_allennlp.parsing.models import TransformerBiaffineParser
from xlt_allennlp.parsing.models.transformer_biaffine_parser import pairwise_relation_logits

OVERRIDES = {
    "train_data_path": str(UD_FIXTURES / "en_dev.conllu"),
    "trainer.num_epochs": 2,
    # The test compares batches from two loaders: no shuffling.
    "data_loader.batch_sampler.shuffle": False,
    "trainer.optimizer.lr": 1e-3,
}


# The arc scorer's bias adds the same amount to every head score of a word, so under the
# per-word softmax over heads its gradient is zero by construction; whether the float comes out
# as exactly 0.0 depends on the machine (allennlp-models' own parser test ignores it too).
ZERO_BY_CONSTRUCTION = {"arc_attention._bias"}


class TestTransformerBiaffineParser(ModelTestCase):
    def setup_method(self) -> None:
        super().setup_method()
        self.set_up_model(FIXTURE_CONFIGS / "parsing.jsonnet", UD_FIXTURES / "en_dev.conllu")

    def test_can_train_save_and_load(self) -> None:
        self.ensure_model_can_train_save_and_load(
            self.param_file,
            overrides=json.dumps(OVERRIDES),
            gradients_to_ignore=ZERO_BY_CONSTRUCTION,
        )

    def test_can_train_save_and_load_with_gold_pos(self) -> None:
        overrides = {
            **OVERRIDES,
            "model.pos_tag_embedding": {"embedding_dim": 16, "vocab_namespace": "pos"},
        }
        self.ensure_model_can_train_save_and_load(
            self.param_file,
            overrides=json.dumps(overrides),
            gradients_to_ignore=ZERO_BY_CONSTRUCTION,
        )

    def test_one_head_and_relation_per_word(self) -> None:
        self.model.eval()
        outputs = self.model.forward_on_instances(self.instances[:8])
        for instance, output in zip(self.instances[:8], outputs, strict=True):
            heads = output["predicted_heads"]
            assert len(heads) == len(output["predicted_dependencies"]) == len(instance["words"])
            assert sum(1 for head in heads if head == 0) == 1


def small_parser(pos_dim: int = 0, **kwargs: Any) -> tuple[TransformerBiaffineParser, list]:
    reader = UdParsingReader(
        token_indexers={"tokens": PretrainedTransformerFirstSubwordIndexer(TINY_MBERT)}
    )
    instances = list(reader.read(str(UD_FIXTURES / "en_dev.conllu")))[:4]
    vocab = Vocabulary.from_instances(instances)
    embedder = BasicTextFieldEmbedder(
        {"tokens": PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT)}
    )
    pos_embedding = Embedding(pos_dim, vocab_namespace="pos", vocab=vocab) if pos_dim else None
    parser = TransformerBiaffineParser(
        vocab, embedder, 8, 8, pos_tag_embedding=pos_embedding, **kwargs
    )
    return parser, instances


def test_scores_exclude_punct_and_sym_by_gold_upos(monkeypatch: pytest.MonkeyPatch) -> None:
    parser, instances = small_parser(report_unexcluded_scores=True)
    batch = Batch(instances[:1])
    batch.index_instances(parser.vocab)
    tensors = batch.as_tensor_dict()
    words = instances[0]["metadata"].metadata["words"]
    gold_heads = tensors["head_indices"][0].tolist()
    gold_tags = tensors["head_tags"][0].tolist()
    pos = instances[0]["pos_tags"].labels
    n = len(words)
    punct = [i for i, tag in enumerate(pos) if tag in ("PUNCT", "SYM")]
    assert punct and n >= 4  # the first dev sentence ends with "."
    # Predictions: the head of word 0 and of the punctuation are wrong; the label of word 1 is
    # wrong; everything else is right.
    heads = list(gold_heads)
    tags = list(gold_tags)
    heads[0] = (gold_heads[0] + 1) % (n + 1)
    for i in punct:
        heads[i] = (gold_heads[i] + 1) % (n + 1)
    tags[1] = (gold_tags[1] + 1) % parser.vocab.get_vocab_size("head_tags")

    def fixed_parse(*args: Any, **kwargs: Any) -> tuple:
        mask = torch.ones(1, n + 1, dtype=torch.bool)
        predicted = torch.tensor([[0, *heads]]), torch.tensor([[0, *tags]])
        return (*predicted, mask, torch.tensor(0.0), torch.tensor(0.0))

    monkeypatch.setattr(parser, "_parse", fixed_parse)
    parser(**tensors)
    metrics = parser.get_metrics(reset=True)
    scored = n - len(punct)
    assert metrics["UAS"] == pytest.approx((scored - 1) / scored)
    assert metrics["LAS"] == pytest.approx((scored - 2) / scored)
    assert metrics["UAS_all"] == pytest.approx((n - 1 - len(punct)) / n)
    assert metrics["LAS_all"] == pytest.approx((n - 2 - len(punct)) / n)


def test_arc_bias_gradient_is_zero_by_construction() -> None:
    # Why the gradient checks above ignore it: the arc loss is unchanged by the bias.
    parser, instances = small_parser()
    batch = Batch(instances)
    batch.index_instances(parser.vocab)
    parser.train()
    output = parser(**batch.as_tensor_dict())
    output["arc_loss"].backward()
    grads = {name: p.grad for name, p in parser.named_parameters() if p.grad is not None}
    assert abs(grads["arc_attention._bias"].item()) < 1e-5 * grads["_head_sentinel"].abs().max()


def test_gold_pos_parser_without_pos_input_is_a_clear_error() -> None:
    parser, instances = small_parser(pos_dim=8)
    instance = UdParsingReader().text_to_instance(["Hello", "world"])
    instance["words"].token_indexers = instances[0]["words"].token_indexers
    with pytest.raises(ConfigurationError, match="embeds gold UPOS tags"):
        parser.forward_on_instance(instance)


def test_parser_learns_the_english_fixture(parsing_run: tuple[Path, dict[str, float]]) -> None:
    _, metrics = parsing_run
    assert metrics["best_validation_UAS"] >= 0.95
    assert metrics["best_validation_LAS"] >= 0.9


def test_parser_with_gold_pos_learns_the_english_fixture(tmp_path: Path) -> None:
    metrics = train_config(
        "parsing.jsonnet", tmp_path / "run", {**PARSING_TRAINING, "use_pos": "true"}
    )
    assert metrics["best_validation_UAS"] >= 0.95
    assert metrics["best_validation_LAS"] >= 0.9


def test_factored_relation_scores_equal_allennlp_models_mst_decode() -> None:
    torch.manual_seed(0)
    parser, _ = small_parser()
    parser.eval()
    batch, n, dim = 3, 9, parser.tag_bilinear.in1_features
    heads, children = torch.randn(batch, n, dim), torch.randn(batch, n, dim)
    expanded = [batch, n, n, dim]
    reference = parser.tag_bilinear(
        heads.unsqueeze(2).expand(*expanded).contiguous(),
        children.unsqueeze(1).expand(*expanded).contiguous(),
    )
    ours = pairwise_relation_logits(parser.tag_bilinear, heads, children)
    assert ours.shape == reference.shape
    assert torch.allclose(ours, reference, atol=1e-5, rtol=1e-5)
    # The whole decoding step (padding included) gives allennlp-models' trees and relations.
    arcs = torch.randn(batch, n, n)
    mask = torch.ones(batch, n, dtype=torch.bool)
    mask[1, 6:] = False
    mask[2, 3:] = False
    with torch.no_grad():
        decoded = parser._mst_decode(heads, children, arcs, mask)
        expected = BiaffineDependencyParser._mst_decode(parser, heads, children, arcs, mask)
    for ours_part, expected_part in zip(decoded, expected, strict=True):
        assert torch.equal(ours_part * mask, expected_part * mask)


def test_relations_of_given_heads_equal_allennlp_models_values_and_gradients() -> None:
    # Ours: aligned_relation_logits; allennlp-models': torch.nn.Bilinear.
    torch.manual_seed(0)
    parser, _ = small_parser()
    batch, n, dim = 3, 7, parser.tag_bilinear.in1_features
    heads = torch.randn(batch, n, dim, requires_grad=True)
    children = torch.randn(batch, n, dim, requires_grad=True)
    head_indices = torch.randint(0, n, (batch, n))
    weights = torch.randn(batch, n, parser.tag_bilinear.out_features)  # a random loss
    gradients = []
    reference = partial(BiaffineDependencyParser._get_head_tags, parser)
    for get_head_tags in (parser._get_head_tags, reference):
        parser.zero_grad()
        heads.grad = children.grad = None
        logits = get_head_tags(heads, children, head_indices)
        (logits * weights).sum().backward()
        gradients.append(
            [logits.detach(), heads.grad, children.grad]
            + [parameter.grad for parameter in parser.tag_bilinear.parameters()]
        )
    for ours, reference in zip(*gradients, strict=True):
        assert torch.allclose(ours, reference, atol=1e-5, rtol=1e-4)
