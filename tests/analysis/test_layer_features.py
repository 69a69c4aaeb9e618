"""`mean_layer_features`: the mean-pooled hidden states of every layer, and their cache."""

import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from tests import TINY_MBERT
from xlt_allennlp.analysis import layer_features
from xlt_allennlp.analysis.layer_features import encoder_identity, mean_layer_features

TEXTS = ["Ein kurzer Satz.", "A much longer sentence in English, with more words.", "短い。"]


def test_features_are_the_mean_of_each_hidden_state() -> None:
    features = mean_layer_features(TINY_MBERT, TEXTS, batch_size=2)
    assert features.shape == (3, 5, 64) and features.dtype == torch.float32
    tokenizer, model = (
        AutoTokenizer.from_pretrained(TINY_MBERT),
        AutoModel.from_pretrained(TINY_MBERT),
    )
    model.eval()
    for row, text in enumerate(TEXTS):  # one text at a time: no padding at all
        with torch.no_grad():
            states = model(**tokenizer(text, return_tensors="pt"), output_hidden_states=True)
        expected = torch.stack([state[0].mean(dim=0) for state in states.hidden_states])
        torch.testing.assert_close(features[row], expected, atol=1e-5, rtol=1e-5)


def test_max_subwords_truncates() -> None:
    short = mean_layer_features(TINY_MBERT, TEXTS[1:2], max_subwords=4)
    assert not torch.allclose(short, mean_layer_features(TINY_MBERT, TEXTS[1:2]))


def test_a_second_call_reads_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = mean_layer_features(TINY_MBERT, TEXTS, cache_dir=str(tmp_path))
    assert len(list(tmp_path.glob("*.pt"))) == 1

    def no_encoder(*args, **kwargs):
        raise AssertionError("the encoder ran although the features are cached")

    monkeypatch.setattr(layer_features, "_compute", no_encoder)
    assert torch.equal(mean_layer_features(TINY_MBERT, TEXTS, cache_dir=str(tmp_path)), first)
    with pytest.raises(AssertionError, match="encoder ran"):  # other texts: not cached
        mean_layer_features(TINY_MBERT, TEXTS[:2], cache_dir=str(tmp_path))
    with pytest.raises(AssertionError, match="encoder ran"):  # other max_subwords
        mean_layer_features(TINY_MBERT, TEXTS, max_subwords=16, cache_dir=str(tmp_path))


def test_a_changed_encoder_is_not_read_from_the_cache(tmp_path: Path) -> None:
    encoder = tmp_path / "encoder"
    shutil.copytree(TINY_MBERT, encoder)
    cache = str(tmp_path / "cache")
    before = encoder_identity(str(encoder))
    first = mean_layer_features(str(encoder), TEXTS, cache_dir=cache)
    model = AutoModel.from_pretrained(encoder)
    with torch.no_grad():
        model.embeddings.word_embeddings.weight.mul_(2.0)
    model.save_pretrained(encoder)  # new weights, same path
    layer_features.frozen_backbone.cache_clear()
    from allennlp.common import cached_transformers

    cached_transformers._model_cache.clear()
    assert encoder_identity(str(encoder)) != before
    second = mean_layer_features(str(encoder), TEXTS, cache_dir=cache)
    assert len(list(Path(cache).glob("*.pt"))) == 2
    assert not torch.allclose(first[:, 0], second[:, 0])
    assert encoder_identity(str(encoder)) != encoder_identity(TINY_MBERT)
