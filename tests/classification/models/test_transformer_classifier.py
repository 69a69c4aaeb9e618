import json
from pathlib import Path

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.common.testing import ModelTestCase
from allennlp.data import Batch, Vocabulary
from allennlp.models import Model
from allennlp.modules.seq2vec_encoders import ClsPooler

from tests import FIXTURE_CONFIGS, TINY_XLMR
from tests.classification.classification_runs import MLDOC_FIXTURES, XNLI_FIXTURES
from tests.conftest import TINY_TRAINING, train_config

CONFIGS = {
    "mldoc": (MLDOC_FIXTURES / "en_dev.txt", ["CCAT", "ECAT", "GCAT", "MCAT"]),
    "xnli": (
        XNLI_FIXTURES / "multinli_dev_matched.jsonl",
        ["entailment", "neutral", "contradiction"],
    ),
}


class TransformerClassifierTestCase(ModelTestCase):
    task = "mldoc"

    def setup_method(self) -> None:
        super().setup_method()
        self.set_up_model(
            FIXTURE_CONFIGS / f"{self.task}.jsonnet", CONFIGS[self.task][0]
        )

    def test_can_train_save_and_load(self) -> None:
        overrides = json.dumps(
            {
                "train_data_path": str(CONFIGS[self.task][0]),
                "trainer.num_epochs": 2,
                # The test compares batches from two loaders: no shuffling.
                "data_loader.batch_sampler.shuffle": False,
                "trainer.optimizer.lr": 1e-3,
            }
        )
        self.ensure_model_can_train_save_and_load(self.param_file, overrides=overrides)

    def test_labels_in_fixed_order(self) -> None:
        assert self.model.labels == CONFIGS[self.task][1]
        assert self.model.vocab.get_vocab_size("labels") == len(CONFIGS[self.task][1])

    def test_metrics_against_hand_computed_values(self) -> None:
        self.model.eval()
        batch = Batch(self.instances[:40])
        batch.index_instances(self.vocab)
        self.model.get_metrics(reset=True)
        output = self.model(**batch.as_tensor_dict())
        predicted = output["logits"].argmax(dim=-1).tolist()
        gold = [self.vocab.get_token_index(i["label"].label, "labels") for i in self.instances[:40]]
        metrics = self.model.get_metrics(reset=True)
        assert set(metrics) == {"accuracy"} | {f"f1-{label}" for label in self.model.labels}
        correct = sum(p == g for p, g in zip(predicted, gold, strict=True))
        assert metrics["accuracy"] == pytest.approx(correct / 40)
        for index, label in enumerate(self.model.labels):
            tp = sum(p == g == index for p, g in zip(predicted, gold, strict=True))
            precision = tp / max(1, predicted.count(index))
            recall = tp / max(1, gold.count(index))
            f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
            assert metrics[f"f1-{label}"] == pytest.approx(f1), label
        # Reset means reset; f1 keys stay away until there is data again.
        assert self.model.get_metrics() == {"accuracy": 0.0}

    def test_default_head_is_linear_on_the_first_token(self) -> None:
        self.model.eval()
        batch = Batch(self.instances[:3])
        batch.index_instances(self.vocab)
        tensors = batch.as_tensor_dict()
        assert isinstance(self.model.seq2vec_encoder, ClsPooler)
        assert self.model.seq2seq_encoder is None
        embedded = self.model.text_field_embedder(tensors["tokens"])
        expected = self.model.classification_layer(embedded[:, 0])
        output = self.model(**tensors)
        assert torch.allclose(output["logits"], expected, atol=1e-6)
        assert torch.allclose(output["probs"].sum(dim=-1), torch.ones(3))

    def test_prediction_does_not_depend_on_padding(self) -> None:
        self.model.eval()
        short = min(self.instances, key=lambda instance: len(instance["tokens"]))
        long = max(self.instances, key=lambda instance: len(instance["tokens"]))
        assert len(short["tokens"]) < len(long["tokens"])
        alone = self.model.forward_on_instance(short)
        together = self.model.forward_on_instances([short, long])[0]
        assert torch.allclose(
            torch.as_tensor(alone["logits"]), torch.as_tensor(together["logits"]), atol=1e-5
        )
        assert alone["label"] in self.model.labels
        assert set(alone["probabilities"]) == set(self.model.labels)


class TestMldocClassifier(TransformerClassifierTestCase):
    task = "mldoc"


class TestXnliClassifier(TransformerClassifierTestCase):
    task = "xnli"


def test_seq2seq_and_seq2vec_slots_are_configurable() -> None:
    """The feature-based mode (BiLSTM, pooling over time) plugs in from the config alone."""
    params = Params.from_file(str(FIXTURE_CONFIGS / "xnli.jsonnet"))
    model_params = params.pop("model")
    model_params["seq2seq_encoder"] = {
        "type": "lstm",
        "input_size": 64,
        "hidden_size": 8,
        "bidirectional": True,
    }
    model_params["seq2vec_encoder"] = {"type": "boe", "embedding_dim": 16, "averaged": True}
    vocab = Vocabulary(tokens_to_add={"labels": ["entailment", "neutral", "contradiction"]})
    model = Model.from_params(model_params.duplicate(), vocab=vocab)
    assert model.classification_layer.in_features == 16
    model_params["seq2vec_encoder"] = {"type": "boe", "embedding_dim": 64}
    with pytest.raises(
        ConfigurationError, match="seq2vec_encoder takes 64-dimensional inputs, but gets 16"
    ):
        Model.from_params(model_params, vocab=vocab)


@pytest.mark.parametrize("task", ["mldoc", "xnli"])
def test_learns_the_english_fixture(task: str, request: pytest.FixtureRequest) -> None:
    """Trained on the English fixture with the tiny encoder, dev accuracy must get high."""
    _, metrics = request.getfixturevalue(f"{task}_run")
    assert metrics["best_validation_accuracy"] >= 0.95
    assert metrics["training_accuracy"] >= 0.95


def test_learns_with_a_sentencepiece_encoder(tmp_path: Path) -> None:
    metrics = train_config(
        "xnli.jsonnet", tmp_path / "run", {**TINY_TRAINING, "encoder": TINY_XLMR}
    )
    assert metrics["best_validation_accuracy"] >= 0.95
