"""mldoc.jsonnet and xnli.jsonnet: defaults and ext vars (tests/test_configs.py checks the recipe
defaults shared by every config)."""

import copy

import pytest
from allennlp.common import Params
from allennlp.data import DatasetReader

from tests import FIXTURE_CONFIGS, TINY_MBERT


def load(config: str) -> dict:
    return Params.from_file(str(FIXTURE_CONFIGS / config)).as_dict()


@pytest.mark.parametrize(
    ("config", "labels"),
    [
        ("mldoc.jsonnet", ["CCAT", "ECAT", "GCAT", "MCAT"]),
        ("xnli.jsonnet", ["entailment", "neutral", "contradiction"]),
    ],
)
def test_defaults(config: str, labels: list[str]) -> None:
    params = load(config)
    reader = DatasetReader.from_params(Params(copy.deepcopy(params["dataset_reader"])))
    assert reader.labels == tuple(labels)  # type: ignore[attr-defined]
    assert "vocabulary" not in params  # the label fields give the labels, in this order
    assert params["dataset_reader"]["max_length"] == 128  # the paper's, special tokens included
    model = params["model"]
    assert model["type"] == "transformer_classifier"
    # Fine-tuning: [CLS] / <s> of the last layer, straight into the linear layer.
    assert model["seq2seq_encoder"] is None
    assert model["seq2vec_encoder"] == {
        "type": "first_token_pooler", "model_name": TINY_MBERT,
    }  # fmt: skip
    embedder = model["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["type"] == "pretrained_transformer_sequence"
    assert embedder["model_name"] == params["dataset_reader"]["model_name"]
    assert params["trainer"]["validation_metric"] == "+accuracy"
    # The bucket sampler sorts by the readers' text field.
    assert params["data_loader"]["batch_sampler"]["sorting_keys"] == ["tokens"]


def test_ext_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {
        "encoder": "xlm-roberta-base",
        "train_path": "multinli_1.0_train.jsonl",
        "dev_path": "xnli.dev.tsv",
        "test_path": "xnli.test.tsv",
        "languages": '["en"]',
        "max_length": "256",
        "lr": "2e-5",
        "epochs": "3",
        "batch_size": "16",
        "freeze": "6",
        "dropout": "0.2",
        "seed": "7",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    params = load("xnli.jsonnet")
    assert params["dataset_reader"]["languages"] is None  # training reads every row
    assert params["validation_dataset_reader"]["languages"] == ["en"]
    for reader in (params["dataset_reader"], params["validation_dataset_reader"]):
        assert reader["model_name"] == "xlm-roberta-base" and reader["max_length"] == 256
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"] == "xlm-roberta-base" and embedder["freeze_layers"] == 6
    assert params["model"]["dropout"] == 0.2
    assert params["train_data_path"] == "multinli_1.0_train.jsonl"
    assert params["validation_data_path"] == "xnli.dev.tsv"
    assert params["test_data_path"] == "xnli.test.tsv" and params["evaluate_on_test"] is True
    assert params["trainer"]["optimizer"]["lr"] == 2e-5 and params["trainer"]["num_epochs"] == 3
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 16
    assert params["random_seed"] == params["numpy_seed"] == params["pytorch_seed"] == 7
    mldoc = load("mldoc.jsonnet")
    assert mldoc["dataset_reader"]["max_length"] == 256
    assert mldoc["model"]["text_field_embedder"]["token_embedders"]["tokens"]["freeze_layers"] == 6


@pytest.mark.parametrize("config", ["mldoc.jsonnet", "xnli.jsonnet"])
def test_feature_mode(config: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("mode", "feature")
    params = load(config)
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["train_parameters"] is False and embedder["last_layer_only"] is False
    assert "freeze_layers" not in embedder
    model = params["model"]
    assert model["seq2seq_encoder"] == {
        "type": "transformer_sized_lstm", "model_name": TINY_MBERT,
        "num_layers": 2, "bidirectional": True,
    }  # fmt: skip
    assert model["seq2vec_encoder"] == {
        "type": "max_pooler", "model_name": TINY_MBERT,
        "hidden_size_multiple": 2,
    }  # fmt: skip
    assert params["trainer"]["optimizer"] == {"type": "adam", "lr": 1e-3}
