import json
import os
import subprocess
from pathlib import Path

import pytest
from allennlp.commands.train import train_model_from_file
from allennlp.common import Params
from allennlp.data import DatasetReader, Vocabulary

from tests import FIXTURE_CONFIGS, PROJECT_ROOT
from tests.conftest import ext_vars_set
from xlt_allennlp.common import ConfigError
from xlt_allennlp.data.labels import CONLL_ENTITY_TYPES, UD_RELATIONS, UPOS_TAGS, bio_labels

CONFIGS = sorted((PROJECT_ROOT / "training_configs").glob("*.jsonnet"))
FIXTURE_CONFIG_FILES = sorted(FIXTURE_CONFIGS.glob("*.jsonnet"))
# The five tasks' configs (the language-ID probe's, an analysis, has its own recipe).
TASK_CONFIGS = [path for path in CONFIGS if path.stem != "langid"]


def test_every_config_has_a_fixture_config() -> None:
    assert [path.name for path in CONFIGS] == [path.name for path in FIXTURE_CONFIG_FILES]


@pytest.mark.parametrize("config", TASK_CONFIGS, ids=lambda path: path.name)
def test_configs_are_the_papers_recipe_and_require_data_paths(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("encoder")  # the real default, not the tests' tiny encoder
    for name in ("train_path", "dev_path"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match=r"needs the ext var train_path: .*dev_path="):
        Params.from_file(str(config))
    monkeypatch.setenv("train_path", "en_train")
    with pytest.raises(ConfigError, match="needs the ext var dev_path"):
        Params.from_file(str(config))
    monkeypatch.setenv("dev_path", "en_dev")
    params = Params.from_file(str(config)).as_dict()
    assert (params["train_data_path"], params["validation_data_path"]) == ("en_train", "en_dev")
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["model_name"] == "bert-base-multilingual-cased"
    assert embedder["freeze_layers"] == -1  # fine-tune everything unless `freeze` is set
    scheduler = params["trainer"]["learning_rate_scheduler"]
    assert scheduler == {"type": "linear_with_warmup_ratio", "warmup_ratio": 0.1}
    optimizer = params["trainer"]["optimizer"]
    assert optimizer["type"] == "adamw"
    assert optimizer["betas"] == [0.9, 0.999] and optimizer["weight_decay"] == 0.01
    assert params["data_loader"]["batch_sampler"]["type"] == "subword_bucket"


@pytest.mark.parametrize("config", FIXTURE_CONFIG_FILES, ids=lambda path: path.name)
def test_fixture_configs_point_at_shipped_fixtures(config: Path) -> None:
    params = Params.from_file(str(config)).as_dict()
    for key in ("train_data_path", "validation_data_path"):
        for path in params[key].split(","):
            path = path.split("#")[0]  # `x_train.txt#dev`: the wili reader's hold-out
            assert (PROJECT_ROOT / path).is_file(), params[key]


def test_allennlp_train_without_data_paths_fails_at_once(tmp_path: Path) -> None:
    # In-process, as `allennlp train` runs it: the ConfigError before anything is built.
    with ext_vars_set({"train_path": ""}), pytest.raises(ConfigError, match="train_path"):
        train_model_from_file(str(CONFIGS[0]), str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_missing_ext_var_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("train_path", "dev_path")}
    result = subprocess.run(
        ["allennlp", "train", "training_configs/pos.jsonnet", "-s", str(tmp_path / "run"),
         "--include-package", "xlt_allennlp"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: training_configs/pos.jsonnet needs the ext var train_path")
    assert "Traceback" not in result.stderr and "RUNTIME ERROR" not in result.stderr


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


def config_with(config: Path, monkeypatch: pytest.MonkeyPatch, **ext_vars: str) -> dict:
    with monkeypatch.context() as patch:
        for name, value in {"train_path": "en_train", "dev_path": "en_dev", **ext_vars}.items():
            patch.setenv(name, value)
        return Params.from_file(str(config)).as_dict()


def without(params: dict, *paths: str) -> dict:
    """`params` without the dotted `paths` (a missing one is fine)."""
    params = json.loads(json.dumps(params))
    for path in paths:
        *parents, key = path.split(".")
        node = params
        for parent in parents:
            node = node.get(parent, {})
        node.pop(key, None)
    return params


# Word-level tasks: where the defaults are a measured change from the paper (README, "The paper's
# recipe"), the config keys those defaults set.
OUR_DEFAULTS = (
    "dataset_reader.token_indexers.tokens.space_markers",
    "validation_dataset_reader.token_indexers.tokens.space_markers",
    "model.text_field_embedder.token_embedders.tokens.layers",
    "model.text_field_embedder.token_embedders.tokens.subword_pooling",
    "trainer.optimizer.parameter_groups",
)


@pytest.mark.parametrize("config", TASK_CONFIGS, ids=lambda path: path.name)
def test_paper_true_gives_the_papers_recipe_and_explicit_ext_vars_still_win(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = config_with(config, monkeypatch)
    paper = config_with(config, monkeypatch, paper="true")
    if config.stem in ("mldoc", "xnli"):  # sentence tasks: the defaults are the paper's
        assert ours == paper
        return
    embedder = ours["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    papers_embedder = paper["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    # Ours: first and last subword from a mix of the last 4 layers; the paper's: the first
    # subword of the last layer (the embedder's defaults, so no key).
    assert (embedder["subword_pooling"], embedder["layers"]) == ("first_last", "mix:4")
    assert "subword_pooling" not in papers_embedder and "layers" not in papers_embedder
    markers = [
        c["dataset_reader"]["token_indexers"]["tokens"]["space_markers"] for c in (ours, paper)
    ]
    assert markers == ["drop", "first"]
    groups = [[g[1] for g in c["trainer"]["optimizer"]["parameter_groups"]] for c in (ours, paper)]
    assert {group.get("lr") for group in groups[0]} == {None, 1e-3}
    assert groups[1] == [{"weight_decay": 0.0}]  # one learning rate for every parameter
    assert without(ours, *OUR_DEFAULTS) == without(paper, *OUR_DEFAULTS)
    # An ext var given explicitly wins over paper=true.
    mixed = config_with(config, monkeypatch, paper="true", head_lr="1e-3", layers="mix:2")
    assert mixed["model"]["text_field_embedder"]["token_embedders"]["tokens"]["layers"] == "mix:2"
    assert (
        mixed["trainer"]["optimizer"]["parameter_groups"]
        == ours["trainer"]["optimizer"]["parameter_groups"]
    )
    # The feature-based mode is the paper's Feat: first subword, mix of all layers.
    feature = config_with(config, monkeypatch, mode="feature")
    tokens = feature["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert "layers" not in tokens and "subword_pooling" not in tokens
    assert tokens["last_layer_only"] is False


def vocabulary_of(config: str) -> Vocabulary:
    """The vocabulary `allennlp train` builds for a fixture config from its training file."""
    params = Params.from_file(str(FIXTURE_CONFIGS / config))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    instances = reader.read(params.pop("train_data_path"))
    return Vocabulary.from_params(params.pop("vocabulary", Params({})), instances=instances)


def test_every_upos_relation_and_conll_tag_is_a_label_in_a_fixed_order() -> None:
    # Zero-shot languages may use tags the English training data lacks; the label index of a
    # tag is the same for every training file.
    labels = vocabulary_of("pos.jsonnet").get_index_to_token_vocabulary("labels")
    assert list(labels.values()) == list(UPOS_TAGS)
    ner = vocabulary_of("ner.jsonnet").get_index_to_token_vocabulary("labels")
    assert list(ner.values()) == list(bio_labels(CONLL_ENTITY_TYPES))
    assert len(ner) == 9
    parsing = vocabulary_of("parsing.jsonnet")
    assert list(parsing.get_index_to_token_vocabulary("head_tags").values()) == list(UD_RELATIONS)
    assert len(UD_RELATIONS) == 37 and len(UPOS_TAGS) == 17
    # `pos` feeds an embedding (Z+POS): a padded namespace, padding and OOV first.
    assert list(parsing.get_index_to_token_vocabulary("pos").values())[2:] == list(UPOS_TAGS)


def test_parsing_config_ext_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(FIXTURE_CONFIGS / "parsing.jsonnet")
    params = Params.from_file(path).as_dict()
    assert "pos_tag_embedding" not in params["model"]  # the paper's Z parser by default
    assert params["dataset_reader"]["max_words"] is None  # training keeps every sentence
    assert params["validation_dataset_reader"]["max_words"] == 140
    embedder = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
    assert embedder["max_length"] == 512 and embedder["context"] == 256
    assert params["data_loader"]["batch_sampler"]["sorting_keys"] == ["words"]
    monkeypatch.setenv("use_pos", "true")
    monkeypatch.setenv("max_words", "null")
    params = Params.from_file(path).as_dict()
    assert params["model"]["pos_tag_embedding"]["vocab_namespace"] == "pos"
    assert params["validation_dataset_reader"]["max_words"] is None


def test_an_encoder_that_cannot_be_loaded_offline_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("encoder", "no-such-org/no-such-encoder")
    params = Params.from_file(str(FIXTURE_CONFIGS / "pos.jsonnet"))
    with pytest.raises(ConfigError, match=r"cannot load the encoder 'no-such-org/no-such-enc.*"
                       r"Pass a local path \(encoder=/path/to/model"):  # fmt: skip
        DatasetReader.from_params(params.pop("dataset_reader"))


def test_amp_needs_a_gpu_and_sets_the_trainers_use_amp(monkeypatch: pytest.MonkeyPatch) -> None:
    config = str(FIXTURE_CONFIGS / "pos.jsonnet")
    assert Params.from_file(config).as_dict()["trainer"]["use_amp"] is False
    monkeypatch.setenv("amp", "true")
    with pytest.raises(ConfigError, match=r"pos.jsonnet: amp=true needs a GPU .*cuda_device=0"):
        Params.from_file(config)
    monkeypatch.setenv("cuda_device", "0")
    trainer = Params.from_file(config).as_dict()["trainer"]
    assert trainer["use_amp"] is True and trainer["cuda_device"] == 0


def test_a_jsonnet_error_is_one_line_with_its_location(tmp_path: Path) -> None:
    # A config of the package's kind (it reads its ext vars through args.libsonnet); any other
    # config keeps allennlp's own errors (tests/test_plugin_isolation.py).
    args = PROJECT_ROOT / "training_configs" / "lib" / "args.libsonnet"
    config = tmp_path / "broken.jsonnet"
    config.write_text(
        f"local args = import '{args}';\n{{\n  model: {{type: args.str('model_type', 'x')}},\n"
        "  trainer: std.extVar('missing_var'),\n}\n"
    )
    with pytest.raises(ConfigError) as error:
        Params.from_file(str(config))
    message = error.value.message
    assert message.startswith(f"{config}: undefined external variable: missing_var")
    assert "broken.jsonnet:4" in message and "\n" not in message
