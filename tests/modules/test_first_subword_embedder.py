"""Sliding window + first-subword alignment, checked against a direct re-implementation."""

from typing import Any

import pytest
import torch
from allennlp.data import Token, Vocabulary
from transformers import AutoTokenizer

from tests import TINY_MBERT, TINY_XLMR, UD_FIXTURES
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.token_indexers import PretrainedTransformerFirstSubwordIndexer
from xlt_allennlp.modules.sliding_window import sliding_windows
from xlt_allennlp.modules.token_embedders import PretrainedTransformerFirstSubwordEmbedder

ZERO_WIDTH_SPACE = "\u200b"


def long_sentence() -> list[str]:
    """A real fixture sentence of >= 300 words, with a zero-width-space word and odd words."""
    words = max((s.words for s in read_conllu(str(UD_FIXTURES / "de_test.conllu"))), key=len)
    forms = [w.form for w in words]
    forms[5] = ZERO_WIDTH_SPACE
    forms[200] = "Donaudampfschifffahrtsgesellschaftskapitän"  # many subwords
    forms[201] = ZERO_WIDTH_SPACE
    return forms


def reference_pieces(model_name: str, words: list[str]) -> list[list[int]]:
    """Per-word tokenization, the slow obvious way; empty words get the unknown token."""
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    pieces = [tokenizer.encode(word, add_special_tokens=False) for word in words]
    return [p or [tokenizer.unk_token_id] for p in pieces]


def batch_for(indexer: PretrainedTransformerFirstSubwordIndexer, sentences: list[list[str]]) -> Any:
    indexed = [indexer.tokens_to_indices([Token(w) for w in s], Vocabulary()) for s in sentences]
    lengths = {key: max(len(item[key]) for item in indexed) for key in indexed[0]}
    tensors = [indexer.as_padded_tensor_dict(item, lengths) for item in indexed]
    return {key: torch.stack([t[key] for t in tensors]) for key in tensors[0]}


@pytest.mark.parametrize("model_name", [TINY_MBERT, TINY_XLMR], ids=["wordpiece", "sentencepiece"])
def test_first_subword_alignment(model_name: str) -> None:
    # The plain first subword (see tests/data/test_first_subword_indexer.py for the handling of
    # bare SentencePiece space markers, on by default).
    words = long_sentence()
    indexer = PretrainedTransformerFirstSubwordIndexer(model_name, space_markers="first")
    ids, offsets = indexer.subword_ids(words)
    pieces = reference_pieces(model_name, words)
    assert [p for word in pieces for p in word] == ids
    expected_offsets = [sum(len(p) for p in pieces[:i]) for i in range(len(words))]
    assert offsets == expected_offsets
    assert len(offsets) == len(words)  # the zero-width words kept their place
    assert len(ids) > 2 * 128  # several windows


@pytest.mark.parametrize(
    ("model_name", "space_markers"),
    [(TINY_MBERT, "drop"), (TINY_XLMR, "drop"), (TINY_XLMR, "skip"), (TINY_XLMR, "first")],
    ids=["wordpiece", "sentencepiece-drop", "sentencepiece-skip", "sentencepiece-first"],
)
def test_sliding_window_matches_direct_computation(model_name: str, space_markers: str) -> None:
    torch.manual_seed(0)
    # Chinese words give bare "▁" pieces with the SentencePiece tokenizer.
    long_words = long_sentence()[:150] + ["经济", "天气", "。"] * 20 + long_sentence()[150:]
    short_words = long_words[:7]
    indexer = PretrainedTransformerFirstSubwordIndexer(model_name, space_markers=space_markers)
    embedder = PretrainedTransformerFirstSubwordEmbedder(model_name, max_length=128, context=64)
    embedder.eval()

    seen_inputs: list[torch.Tensor] = []
    hook = embedder.transformer_model.register_forward_hook(
        lambda module, args, kwargs, output: seen_inputs.append(kwargs["input_ids"]),
        with_kwargs=True,
    )
    with torch.no_grad():
        output = embedder(**batch_for(indexer, [long_words, short_words]))
    hook.remove()
    assert output.shape[:2] == (2, len(long_words))

    # Windows: <= 128 subwords each, later windows start with the previous one's last 64.
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    ids, offsets = indexer.subword_ids(long_words)
    assert len(offsets) == len(long_words) and offsets == sorted(set(offsets))  # once per word
    windows = sliding_windows(len(ids), 126, 64)
    assert len(windows) >= 4
    (inputs,) = seen_inputs
    assert inputs.size(1) <= 128
    # One row per window for the long sentence, and one for the short one (its later windows
    # would be empty and are not encoded).
    assert inputs.size(0) == len(windows) + 1

    # Direct computation: for each word, encode the window that owns its first subword.
    start = [tokenizer.cls_token_id]
    end = [tokenizer.sep_token_id]
    hidden_by_window = {}
    with torch.no_grad():
        for window in windows:
            input_ids = torch.tensor([start + ids[window.start : window.end] + end])
            hidden = embedder.transformer_model(input_ids=input_ids).last_hidden_state[0]
            hidden_by_window[window] = hidden
    for index, offset in enumerate(offsets):
        (window,) = [w for w in windows if w.owned_start <= offset < w.end]
        expected = hidden_by_window[window][1 + offset - window.start]
        assert torch.allclose(output[0, index], expected, atol=1e-5), index
    # The short sentence is unaffected by being batched with the long one; padding is zero.
    with torch.no_grad():
        alone = embedder(**batch_for(indexer, [short_words]))
    assert torch.allclose(alone[0], output[1, : len(short_words)], atol=1e-5)
    assert output[1, len(short_words) :].abs().sum() == 0


def test_max_length_checked_against_encoder() -> None:
    with pytest.raises(ValueError, match="exceeds what"):
        PretrainedTransformerFirstSubwordEmbedder(TINY_XLMR, max_length=600)


def test_scalar_mix_covers_embeddings_and_every_layer() -> None:
    embedder = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT, last_layer_only=False)
    layers = embedder.transformer_model.config.num_hidden_layers
    assert embedder.scalar_mix is not None
    assert len(embedder.scalar_mix.scalar_parameters) == layers + 1
