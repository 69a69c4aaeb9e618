import json
from pathlib import Path

from allennlp.common.testing import ModelTestCase

from tests import FIXTURE_CONFIGS, NER_FIXTURES
from tests.conftest import TINY_TRAINING, train_config


class TestNerTagger(ModelTestCase):
    def setup_method(self) -> None:
        super().setup_method()
        self.set_up_model(
            FIXTURE_CONFIGS / "ner.jsonnet", NER_FIXTURES / "en_dev.conll"
        )

    def test_can_train_save_and_load_with_crf(self) -> None:
        overrides = json.dumps(
            {
                "train_data_path": str(NER_FIXTURES / "en_dev.conll"),
                "trainer.num_epochs": 2,
                # The test compares batches from two loaders: no shuffling.
                "data_loader.batch_sampler.shuffle": False,
                "model.use_crf": True,
            }
        )
        self.ensure_model_can_train_save_and_load(self.param_file, overrides=overrides)

    def test_predicted_tags_are_valid_bio(self) -> None:
        output = self.model.forward_on_instances(self.instances[:8])
        for item in output:
            for previous, tag in zip(["O", *item["tags"]], item["tags"], strict=False):
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:], item["tags"]


def test_ner_learns_fixture_softmax(ner_run: tuple[Path, dict[str, float]]) -> None:
    _, metrics = ner_run
    assert metrics["best_validation_f1-measure-overall"] >= 0.95


def test_ner_learns_fixture_crf(tmp_path: Path) -> None:
    metrics = train_config(
        "ner.jsonnet",
        tmp_path / "run",
        {**TINY_TRAINING, "crf": "true", "train_path": str(NER_FIXTURES / "en_train.conll")},
    )
    assert metrics["best_validation_f1-measure-overall"] >= 0.95
