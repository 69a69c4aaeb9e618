"""The language-ID probe (`langid_probe`) and `allennlp langid-layers` on the WiLI fixture."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from allennlp.common import Params

from tests import FIXTURE_CONFIGS, FIXTURES_ROOT, PROJECT_ROOT, allennlp_cli
from tests.analysis.test_wili import ISO_639_1, iso_639_1_file
from tests.conftest import ext_vars_set, train_config
from xlt_allennlp.analysis.langid_layers import langid_layers, parse_layers
from xlt_allennlp.analysis.probe_training import FeatureDataLoader, predict, train_probe

CONFIG = str(FIXTURE_CONFIGS / "langid.jsonnet")
# The tiny random encoder's mean vectors differ little between languages: a larger step and
# smaller batches than the paper's (lr 1e-3, batch 32) for 216 training paragraphs.
FIXTURE_RECIPE = {"lr": "2e-2", "batch_size": "8"}


def run(directory: Path, cache: Path, layers: str = "all", **ext_vars: str) -> dict[str, Any]:
    with ext_vars_set({**FIXTURE_RECIPE, **ext_vars}):
        return langid_layers(CONFIG, str(directory), layers=layers, cache_dir=str(cache))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    directory = tmp_path_factory.mktemp("langid")
    return directory, run(directory / "run", directory / "cache")


def test_the_probe_separates_the_fixture_languages(first_run) -> None:
    _, report = first_run
    assert list(report["layers"]) == ["0", "1", "2", "3", "4"]  # tiny mBERT: 4 blocks
    assert max(result["accuracy"] for result in report["layers"].values()) >= 0.9
    assert report["data"]["test"] == {**report["data"]["test"], "paragraphs": 72, "languages": 9}
    assert report["dev_holdout"] == {"dev_fraction": 0.25, "dev_seed": 13}
    trainer = report["training"]["trainer"]  # the config's own trainer trained every probe
    assert trainer["optimizer"]["lr"] == 0.02 and trainer["callbacks"][0]["min_lr"] == 1e-5
    assert report["training"]["batch_size"] == 8
    best = report["layers"][report["best_layer"]]
    assert set(best["per_language"]) == {
        "ara",
        "deu",
        "eng",
        "fra",
        "hin",
        "jpn",
        "rus",
        "spa",
        "zho",
    }
    assert all(e["gold"] != e["predicted"] for e in best["confused"])


def test_outputs_are_written(first_run) -> None:
    directory, report = first_run
    written = json.loads((directory / "run" / "langid_layers.json").read_text("utf-8"))
    assert written == json.loads(json.dumps(report))
    table = (directory / "run" / "langid_layers.md").read_text("utf-8")
    assert "| layer | dev accuracy | test accuracy | epochs |" in table and "| zho |" in table
    assert (directory / "run" / "langid_layers.png").read_bytes()[:4] == b"\x89PNG"


def test_cached_features_give_the_accuracy_of_recomputed_ones(first_run) -> None:
    directory, report = first_run
    assert not any(split["features_cached"] for split in report["data"].values())
    again = run(directory / "again", directory / "cache")  # read from the cache
    assert all(split["features_cached"] for split in again["data"].values())
    assert again["layers"] == report["layers"]
    fresh = run(directory / "fresh", directory / "other-cache", "0,4")  # recomputed
    assert not any(split["features_cached"] for split in fresh["data"].values())
    assert fresh["layers"] == {layer: report["layers"][layer] for layer in ("0", "4")}


def test_a_changed_file_is_not_read_from_the_cache(first_run, tmp_path: Path) -> None:
    directory, _ = first_run
    wili = FIXTURES_ROOT / "data" / "wili"
    for name in ("x_test.txt", "y_test.txt"):
        lines = (wili / name).read_text("utf-8").splitlines()[:-1]  # one paragraph fewer
        (tmp_path / name).write_text("".join(line + "\n" for line in lines), "utf-8")
    report = run(tmp_path / "run", directory / "cache", "0", test_path=str(tmp_path / "x_test.txt"))
    assert report["data"]["train"]["features_cached"] and report["data"]["dev"]["features_cached"]
    assert not report["data"]["test"]["features_cached"]
    assert report["data"]["test"]["paragraphs"] == 71


def test_command_line_with_a_layer_list(first_run, tmp_path: Path) -> None:
    directory, report = first_run
    with ext_vars_set(FIXTURE_RECIPE):
        allennlp_cli("langid-layers", CONFIG, "-s", str(tmp_path), "--layers", "0,-1",
                     "--cache-dir", str(directory / "cache"))  # fmt: skip
    written = json.loads((tmp_path / "langid_layers.json").read_text("utf-8"))
    assert list(written["layers"]) == ["0", "4"]
    assert written["layers"]["4"] == report["layers"]["4"]


def test_parse_layers() -> None:
    assert parse_layers("all", 3) == [0, 1, 2, 3]
    assert parse_layers("3,0,-1", 12) == [0, 3, 12]
    with pytest.raises(Exception, match="layer 13 does not exist"):
        parse_layers("13", 12)


def fixture_params(**ext_vars: str) -> dict[str, Any]:
    small = str(FIXTURES_ROOT / "data" / "wili" / "langid.tsv")
    with ext_vars_set({**FIXTURE_RECIPE, "train_path": small, **ext_vars}):
        return Params.from_file(CONFIG).as_dict(quiet=True)


def test_probe_training_uses_the_configs_trainer_selects_on_dev_and_stops_on_the_lr() -> None:
    generator = torch.Generator().manual_seed(0)
    features = torch.randn(64, 64, generator=generator)  # tiny-mbert's hidden size
    labels = ["de" if value > 0 else "en" for value in features[:, 0].tolist()]
    params = fixture_params(lr="0.1", epochs="50")
    probe = train_probe(params, 2, (features, labels), (features, labels))
    metrics = probe.metrics
    assert metrics["best_validation_accuracy"] >= 0.95
    assert metrics["epoch"] < 49  # stopped by the config's stop_when_lr_below callback
    assert predict(probe.model, features) == labels
    again = train_probe(params, 2, (features, labels), (features, labels))
    assert torch.equal(again.model.classifier.weight, probe.model.classifier.weight)
    # the config's trainer, not a copy of its recipe: another lr gives another model
    data = (features, labels)
    other = train_probe(fixture_params(lr="0.01", epochs="2"), 2, data, data)
    assert other.metrics["epoch"] == 1
    assert not torch.equal(other.model.classifier.weight, probe.model.classifier.weight)


def test_feature_batches_cover_every_row_once_per_epoch() -> None:
    features, labels = torch.arange(10.0).view(10, 1), torch.arange(10)
    loader = FeatureDataLoader(features, labels, batch_size=4, shuffle=True, seed=1)
    epochs = [[batch["label"].tolist() for batch in loader] for _ in range(2)]
    assert len(loader) == 3 and [len(batch) for batch in epochs[0]] == [4, 4, 2]
    assert all(sorted(sum(epoch, [])) == list(range(10)) for epoch in epochs)
    assert epochs[0] != epochs[1]  # a new order every epoch
    again = FeatureDataLoader(features, labels, batch_size=4, shuffle=True, seed=1)
    assert [batch["label"].tolist() for batch in again] == epochs[0]


def test_langid_probe_model_trains_with_allennlp(tmp_path: Path) -> None:
    small = str(FIXTURES_ROOT / "data" / "wili" / "langid.tsv")  # LABEL<TAB>TEXT, 72 lines
    ext_vars = {"layer": "0", "epochs": "1", "train_path": small, "test_path": small}
    metrics = train_config("langid.jsonnet", tmp_path / "run", {**FIXTURE_RECIPE, **ext_vars})
    assert metrics["epoch"] == 0 and 0.0 <= metrics["test_accuracy"] <= 1.0
    config = json.loads((tmp_path / "run" / "config.json").read_text("utf-8"))
    assert config["model"] == {**config["model"], "type": "langid_probe", "layer": 0}


def test_iso_639_1_labels_stop_the_real_command_with_one_line(tmp_path: Path) -> None:
    """`allennlp langid-layers` (the installed script, from the repository root, where
    `.allennlp_plugins` names the package) on a file labelled `de`, `en`, ... against the
    default `languages_file: mbert`: exit status 1 and the one-line error, no traceback."""
    data = iso_639_1_file(tmp_path)
    env = {**os.environ, **FIXTURE_RECIPE, "train_path": str(data), "test_path": str(data)}
    env.pop("languages_file", None)
    command = [str(Path(sys.executable).with_name("allennlp")), "langid-layers", CONFIG,
               "-s", str(tmp_path / "run"), "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    expected = (
        f"error: {data}: 0 of 72 paragraphs have a label in languages_file=mbert (WiLI ISO 639-3 "
        "labels such as 'spa'); labels here look like ISO 639-1 ('es'): pass languages_file=none "
        "or a file of your labels"
    )
    assert result.stderr.rstrip("\n").splitlines()[-1] == expected
    assert not (tmp_path / "run" / "langid_layers.json").exists()


def test_languages_file_none_probes_iso_639_1_labels(tmp_path: Path) -> None:
    data = str(iso_639_1_file(tmp_path))
    ext_vars = {"train_path": data, "test_path": data, "languages_file": "none", "epochs": "2"}
    report = run(tmp_path / "run", tmp_path / "cache", "0", **ext_vars)
    assert report["languages_selected"] == "all"
    assert set(report["layers"]["0"]["per_language"]) == set(ISO_639_1.values())
