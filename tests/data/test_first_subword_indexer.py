"""Which piece represents a word: bare SentencePiece space markers ("▁") are skipped or dropped."""

import json
import shutil
from pathlib import Path

import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.data import Token, Vocabulary
from transformers import AutoTokenizer

from tests import TINY_MBERT, TINY_XLMR
from tests.modules.test_first_subword_embedder import long_sentence, reference_pieces
from xlt_allennlp.data.token_indexers import PretrainedTransformerFirstSubwordIndexer
from xlt_allennlp.data.token_indexers.first_subword_indexer import bare_space_marker_ids

# Chinese words, punctuation and Latin words: the tiny XLM-R tokenizer splits `经济` into
# `▁` `经` `济` and `天气` into `▁` `天` `气`, keeps `▁的`, `▁。`, `▁casa` whole.
WORDS = ["的", "经济", "天气", "。", "casa", ".", "Haus"]


def xlmr_like_tokenizer(tmp_path: Path) -> str:
    """The tiny XLM-R tokenizer without its right-strip normaliser: like the real XLM-R one, it
    turns a lone zero-width space into a bare `▁` piece."""
    directory = tmp_path / "xlmr-like"
    shutil.copytree(TINY_XLMR, directory)
    (directory / "sentencepiece.bpe.model").unlink()
    spec = json.loads((directory / "tokenizer.json").read_text())
    normalizers = spec["normalizer"]["normalizers"]
    spec["normalizer"]["normalizers"] = [n for n in normalizers if n["type"] != "Strip"]
    (directory / "tokenizer.json").write_text(json.dumps(spec))
    # transformers 5's XLMRobertaTokenizer rebuilds its normaliser in code: the generic class
    # reads the edited tokenizer.json as it is.
    config = json.loads((directory / "tokenizer_config.json").read_text())
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    (directory / "tokenizer_config.json").write_text(json.dumps(config))
    return str(directory)


def pieces_of(model_name: str, ids: list[int], offsets: list[int]) -> tuple[list[str], list[str]]:
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    tokens = tokenizer.convert_ids_to_tokens(ids)
    return tokens, [tokens[offset] for offset in offsets]


def test_marker_ids_found_for_sentencepiece_only() -> None:
    xlmr = AutoTokenizer.from_pretrained(TINY_XLMR)
    assert bare_space_marker_ids(xlmr) == {xlmr.convert_tokens_to_ids("▁")}
    assert bare_space_marker_ids(AutoTokenizer.from_pretrained(TINY_MBERT)) == frozenset()


def test_first_keeps_the_plain_first_subword() -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_XLMR, space_markers="first")
    tokens, firsts = pieces_of(TINY_XLMR, *indexer.subword_ids(WORDS))
    assert tokens == ["▁的", "▁", "经", "济", "▁", "天", "气", "▁。", "▁casa", "▁.", "▁Haus"]
    assert firsts == ["▁的", "▁", "▁", "▁。", "▁casa", "▁.", "▁Haus"]


def test_skip_keeps_the_marker_in_the_input_and_represents_the_word_by_the_next_piece() -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_XLMR, space_markers="skip")
    ids, offsets = indexer.subword_ids(WORDS)
    tokens, firsts = pieces_of(TINY_XLMR, ids, offsets)
    assert tokens == ["▁的", "▁", "经", "济", "▁", "天", "气", "▁。", "▁casa", "▁.", "▁Haus"]
    assert firsts == ["▁的", "经", "天", "▁。", "▁casa", "▁.", "▁Haus"]
    assert offsets == [0, 2, 5, 7, 8, 9, 10]


def test_drop_removes_the_marker_from_the_input() -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_XLMR)  # the default
    ids, offsets = indexer.subword_ids(WORDS)
    tokens, firsts = pieces_of(TINY_XLMR, ids, offsets)
    assert tokens == ["▁的", "经", "济", "天", "气", "▁。", "▁casa", "▁.", "▁Haus"]
    assert firsts == ["▁的", "经", "天", "▁。", "▁casa", "▁.", "▁Haus"]
    assert offsets == [0, 1, 3, 5, 6, 7, 8]


@pytest.mark.parametrize("mode", ["drop", "skip", "first"])
def test_a_word_that_is_only_a_marker_keeps_it(tmp_path: Path, mode: str) -> None:
    model_name = xlmr_like_tokenizer(tmp_path)
    indexer = PretrainedTransformerFirstSubwordIndexer(model_name, space_markers=mode)
    words = ["casa", "\u200b", "经济"]
    tokens, firsts = pieces_of(model_name, *indexer.subword_ids(words))
    assert firsts[:2] == ["▁casa", "▁"]
    assert firsts[2] == ("▁" if mode == "first" else "经")
    assert tokens.count("▁") == {"drop": 1, "skip": 2, "first": 2}[mode]


@pytest.mark.parametrize("mode", ["drop", "skip", "first"])
def test_wordpiece_output_is_unchanged_by_the_option(mode: str) -> None:
    words = long_sentence() + WORDS
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_MBERT, space_markers=mode)
    ids, offsets = indexer.subword_ids(words)
    pieces = reference_pieces(TINY_MBERT, words)  # today's output: plain first subwords
    assert ids == [p for word in pieces for p in word]
    assert offsets == [sum(len(p) for p in pieces[:i]) for i in range(len(words))]


def test_indexers_with_different_modes_differ() -> None:
    drop = PretrainedTransformerFirstSubwordIndexer(TINY_XLMR)
    assert drop == PretrainedTransformerFirstSubwordIndexer(TINY_XLMR, space_markers="drop")
    assert drop != PretrainedTransformerFirstSubwordIndexer(TINY_XLMR, space_markers="skip")


def test_unknown_mode_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="space_markers must be one of"):
        PretrainedTransformerFirstSubwordIndexer(TINY_XLMR, space_markers="strip")


@pytest.mark.parametrize(
    ("mode", "firsts", "lasts"),
    [
        # Pieces: ▁的 | ▁ 经 济 | ▁ 天 气 | ▁。 | ▁casa | ▁. | ▁Haus (▁ dropped with "drop").
        ("first", [0, 1, 4, 7, 8, 9, 10], [0, 3, 6, 7, 8, 9, 10]),
        ("skip", [0, 2, 5, 7, 8, 9, 10], [0, 3, 6, 7, 8, 9, 10]),
        ("drop", [0, 1, 3, 5, 6, 7, 8], [0, 2, 4, 5, 6, 7, 8]),
    ],
)
def test_each_word_spans_its_pieces_without_a_skipped_marker(
    mode: str, firsts: list[int], lasts: list[int]
) -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_XLMR, space_markers=mode)
    ids, offsets, last_offsets = indexer.subword_spans(WORDS)
    assert (offsets, last_offsets) == (firsts, lasts)
    assert indexer.subword_ids(WORDS) == (ids, offsets)


@pytest.mark.parametrize("mode", ["drop", "skip", "first"])
def test_a_word_that_is_only_a_marker_spans_its_markers(tmp_path: Path, mode: str) -> None:
    model_name = xlmr_like_tokenizer(tmp_path)
    indexer = PretrainedTransformerFirstSubwordIndexer(model_name, space_markers=mode)
    ids, offsets, last_offsets = indexer.subword_spans(["casa", "\u200b", "casa"])
    tokens = AutoTokenizer.from_pretrained(model_name).convert_ids_to_tokens(ids)
    assert tokens == ["▁casa", "▁", "▁casa"]
    assert (offsets, last_offsets) == ([0, 1, 2], [0, 1, 2])


def test_indices_and_padding_carry_the_last_subwords() -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_MBERT)
    indexed = indexer.tokens_to_indices([Token("unbelievable"), Token("Haus")], Vocabulary())
    assert indexed["offsets"] == [0, 5] and indexed["last_offsets"] == [4, 5]
    assert set(indexer.get_empty_token_list()) == set(indexed)
    lengths = {key: len(value) + 2 for key, value in indexed.items()}
    padded = indexer.as_padded_tensor_dict(indexed, lengths)
    assert padded["last_offsets"].tolist() == [4, 5, 0, 0]
