import json
from pathlib import Path

import pytest
import torch
from allennlp.common.testing import ModelTestCase

from tests import FIXTURE_CONFIGS, PROJECT_ROOT, UD_FIXTURES
from tests.conftest import TINY_TRAINING, train_config


class TestFirstSubwordTagger(ModelTestCase):
    def setup_method(self) -> None:
        super().setup_method()
        self.set_up_model(
            FIXTURE_CONFIGS / "pos.jsonnet", UD_FIXTURES / "en_dev.conllu"
        )

    def test_can_train_save_and_load(self) -> None:
        overrides = json.dumps(
            {
                "train_data_path": str(UD_FIXTURES / "en_dev.conllu"),
                "trainer.num_epochs": 2,
                # The test compares batches from two loaders: no shuffling.
                "data_loader.batch_sampler.shuffle": False,
                "trainer.optimizer.lr": 1e-3,
            }
        )
        self.ensure_model_can_train_save_and_load(self.param_file, overrides=overrides)

    def test_forward_shapes_and_one_tag_per_word(self) -> None:
        batch = self.instances[:4]
        output = self.model.forward_on_instances(batch)
        for instance, tags in zip(batch, [o["tags"] for o in output], strict=True):
            assert len(tags) == len(instance["tokens"])

    def test_loss_ignores_padding_words(self) -> None:
        self.model.eval()
        short = self.instances[0]
        long = max(self.instances, key=lambda instance: len(instance["tokens"]))
        alone = self.model.forward_on_instance(short)
        together = self.model.forward_on_instances([short, long])[0]
        n = len(short["tokens"])
        assert torch.allclose(
            torch.as_tensor(alone["logits"][:n]), torch.as_tensor(together["logits"][:n]), atol=1e-5
        )


def test_pos_tagger_learns_fixture(pos_run: tuple[Path, dict[str, float]]) -> None:
    """Trained on the English fixture with the tiny encoder, dev accuracy must get high."""
    _, metrics = pos_run
    assert metrics["best_validation_accuracy"] >= 0.95


@pytest.mark.parametrize("encoder", ["tiny-xlmr"])
def test_pos_tagger_learns_with_sentencepiece_encoder(tmp_path: Path, encoder: str) -> None:
    metrics = train_config(
        "pos.jsonnet",
        tmp_path / "run",
        {**TINY_TRAINING, "encoder": str(PROJECT_ROOT / "fixtures" / "encoders" / encoder)},
    )
    assert metrics["best_validation_accuracy"] >= 0.95
