from pathlib import Path

import pytest
from allennlp.common import Params

from tests import PROJECT_ROOT

CONFIGS = sorted((PROJECT_ROOT / "training_configs").glob("*.jsonnet"))


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.name)
def test_config_defaults_point_at_shipped_fixtures(config: Path) -> None:
    params = Params.from_file(str(config)).as_dict()
    for key in ("train_data_path", "validation_data_path"):
        assert (PROJECT_ROOT / params[key]).exists(), params[key]
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["freeze_layers"] == -1  # fine-tune everything unless `freeze` is set
    scheduler = params["trainer"]["learning_rate_scheduler"]
    assert scheduler == {"type": "linear_with_warmup_ratio", "warmup_ratio": 0.1}
    optimizer = params["trainer"]["optimizer"]
    assert optimizer["type"] == "adamw"
    assert optimizer["betas"] == [0.9, 0.999] and optimizer["weight_decay"] == 0.01
    assert params["data_loader"]["batch_sampler"]["type"] == "bucket"


def test_pos_config_ext_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "encoder": "bert-base-multilingual-cased",
        "train_path": "en_ewt-ud-train.conllu",
        "dev_path": "en_ewt-ud-dev.conllu",
        "test_path": "de_gsd-ud-test.conllu",
        "lr": "3e-5",
        "batch_size": "16",
        "epochs": "3",
        "seed": "7",
        "freeze": "3",
    }.items():
        monkeypatch.setenv(name, value)
    params = Params.from_file(str(PROJECT_ROOT / "training_configs" / "pos.jsonnet")).as_dict()
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"] == "bert-base-multilingual-cased"
    assert embedder["max_length"] == 128 and embedder["context"] == 64
    assert embedder["freeze_layers"] == 3
    indexer = params["dataset_reader"]["token_indexers"]["tokens"]
    assert indexer["model_name"] == "bert-base-multilingual-cased"
    assert params["train_data_path"] == "en_ewt-ud-train.conllu"
    assert params["test_data_path"] == "de_gsd-ud-test.conllu"
    assert params["evaluate_on_test"] is True
    assert params["trainer"]["optimizer"]["lr"] == 3e-5
    assert params["trainer"]["num_epochs"] == 3
    assert params["data_loader"]["batch_sampler"]["batch_size"] == 16
    assert params["random_seed"] == params["numpy_seed"] == params["pytorch_seed"] == 7


def test_every_upos_and_conll_tag_is_a_label() -> None:
    # Zero-shot languages may use tags the English training data lacks.
    pos = Params.from_file(str(PROJECT_ROOT / "training_configs" / "pos.jsonnet")).as_dict()
    assert len(set(pos["vocabulary"]["tokens_to_add"]["labels"])) == 17
    ner = Params.from_file(str(PROJECT_ROOT / "training_configs" / "ner.jsonnet")).as_dict()
    assert len(set(ner["vocabulary"]["tokens_to_add"]["labels"])) == 9


def test_parsing_config_ext_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(PROJECT_ROOT / "training_configs" / "parsing.jsonnet")
    params = Params.from_file(path).as_dict()
    assert "pos_tag_embedding" not in params["model"]  # the paper's Z parser by default
    assert params["dataset_reader"]["max_words"] is None  # training keeps every sentence
    assert params["validation_dataset_reader"]["max_words"] == 140
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["max_length"] == 512 and embedder["context"] == 256
    assert len(set(params["vocabulary"]["tokens_to_add"]["head_tags"])) == 37
    assert len(set(params["vocabulary"]["tokens_to_add"]["pos"])) == 17
    assert params["data_loader"]["batch_sampler"]["sorting_keys"] == ["words"]
    monkeypatch.setenv("use_pos", "true")
    monkeypatch.setenv("max_words", "null")
    params = Params.from_file(path).as_dict()
    assert params["model"]["pos_tag_embedding"]["vocab_namespace"] == "pos"
    assert params["validation_dataset_reader"]["max_words"] is None
