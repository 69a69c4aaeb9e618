"""Word -> subword indexing that remembers where each word's subwords are."""

from typing import Any, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.common.util import pad_sequence_to_length
from allennlp.data.token_indexers import TokenIndexer
from allennlp.data.token_indexers.token_indexer import IndexedTokenList
from allennlp.data.tokenizers import PretrainedTransformerTokenizer, Token
from allennlp.data.vocabulary import Vocabulary
from transformers import PreTrainedTokenizerBase

from xlt_allennlp.common.encoders import require_encoder

# Word-start markers of SentencePiece ("▁", XLM-R, mT5, ...) and byte-level BPE ("Ġ", RoBERTa).
SPACE_MARKERS = ("\u2581", "\u0120")
SPACE_MARKER_MODES = ("drop", "skip", "first")


def bare_space_marker_ids(tokenizer: PreTrainedTokenizerBase) -> frozenset[int]:
    """Ids of the pieces that are nothing but a word-start space marker (`▁`, `Ġ`).

    Empty for WordPiece tokenizers (mBERT), which mark word continuations (`##`), not starts.
    """
    if tokenizer.is_fast:
        wordpiece = type(tokenizer.backend_tokenizer.model).__name__ == "WordPiece"
    else:
        wordpiece = hasattr(tokenizer, "wordpiece_tokenizer")
    if wordpiece:
        return frozenset()
    vocab = tokenizer.get_vocab()
    special = set(tokenizer.all_special_ids)
    return frozenset(vocab[m] for m in SPACE_MARKERS if m in vocab and vocab[m] not in special)


def word_start_prefix(tokenizer: PreTrainedTokenizerBase) -> str:
    """What to put before each pre-split word so that it is tokenized as a word start.

    SentencePiece tokenizers that always prepend `▁` (XLM-R, mDeBERTa) and WordPiece ones
    (mBERT) split a pre-split word as running text does: `""`. Byte-level BPE without
    `add_prefix_space` (RoBERTa's default) and Gemma-style BPE (mmBERT: spaces become `▁`, none
    is added) would read each word as the inside of another (`house`, not `Ġhouse` / `▁house`):
    a space before each word, as in running text, gives `" "`.
    """
    if not tokenizer.is_fast:
        return ""

    def second_word(words: list[str]) -> list[int]:
        encoding = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
        pairs = zip(encoding["input_ids"], encoding.word_ids(), strict=True)
        return [piece for piece, word in pairs if word == 1]

    running = tokenizer("x y", add_special_tokens=False, return_offsets_mapping=True)
    spans = zip(running["input_ids"], running["offset_mapping"], strict=True)
    in_text = [piece for piece, (start, _) in spans if start >= 1]
    if second_word(["x", "y"]) == in_text:
        return ""
    if second_word([" x", " y"]) == in_text:
        return " "
    return ""


@TokenIndexer.register("pretrained_transformer_first_subword")
class PretrainedTransformerFirstSubwordIndexer(TokenIndexer):
    """Splits pre-tokenized words into subwords and records where each word's subwords are.

    Registered as a `TokenIndexer` with name "pretrained_transformer_first_subword". Pair it with
    the token embedder of the same name, which runs the encoder over a sliding window and returns
    one vector per word (by default the first subword's). Unlike allennlp's
    `pretrained_transformer_mismatched` indexer, no special tokens are added here: the embedder
    adds them to every window it builds.

    A word that the tokenizer turns into no subword at all (e.g. a lone zero-width space, which
    BERT's normaliser deletes) is given the tokenizer's unknown token, so every word keeps exactly
    one position and labels never shift.

    SentencePiece and byte-level BPE tokenizers (XLM-R, ...) start every pre-split word with a
    space marker, which for most CJK words and for punctuation is a piece of its own
    (`的` -> `▁` `的`, `.` -> `▁` `.`): the plain first subword would then be the same `▁` for
    all of them; `space_markers` says what happens to such a bare leading marker. A word made of
    bare markers only keeps them and is represented by the first. WordPiece tokenizers (mBERT)
    have no such markers: the option changes nothing for them.

    Each word's subwords are the range `offsets` .. `last_offsets` (both included): its first
    subword as above, up to its last subword. A skipped (or dropped) bare marker is not one of
    them; with `"first"` it is. The embedder's `subword_pooling` reads the range.

    ```jsonnet
    "token_indexers": {"tokens": {"type": "pretrained_transformer_first_subword",
                                  "model_name": "bert-base-multilingual-cased"}}
    ```

    # Parameters

    model_name : `str`
        The Hugging Face encoder (name or local path) whose tokenizer splits the words; the same
        as the embedder's. The tokenizer must have an unknown token.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for `AutoTokenizer.from_pretrained`.
    space_markers : `str`, optional (default = `"drop"`)
        What happens to a bare leading space marker (`▁`, `Ġ`): `"drop"` removes it from the
        encoder input, so the word reads as in running text without spaces and is represented by
        its first real piece; `"skip"` keeps it in the input and represents the word by its first
        piece after it; `"first"` keeps it and represents the word by it (the plain first
        subword).
    """

    def __init__(
        self,
        model_name: str,
        tokenizer_kwargs: Optional[dict[str, Any]] = None,
        space_markers: str = "drop",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if space_markers not in SPACE_MARKER_MODES:
            raise ConfigurationError(
                f"space_markers must be one of {', '.join(SPACE_MARKER_MODES)}; "
                f"got {space_markers!r}"
            )
        require_encoder(model_name)
        self._model_name = model_name
        self._space_markers = space_markers
        self._allennlp_tokenizer = PretrainedTransformerTokenizer(
            model_name, tokenizer_kwargs=tokenizer_kwargs
        )
        self._tokenizer = self._allennlp_tokenizer.tokenizer
        unk_id = self._tokenizer.unk_token_id
        if unk_id is None:
            raise ValueError(f"tokenizer of {model_name!r} has no unknown token")
        self._unk_id: int = unk_id
        self._bare_markers = (
            frozenset() if space_markers == "first" else bare_space_marker_ids(self._tokenizer)
        )
        self._word_prefix = word_start_prefix(self._tokenizer)

    def count_vocab_items(self, token: Token, counter: dict[str, dict[str, int]]) -> None:
        # The transformer brings its own vocabulary.
        pass

    def subword_ids(self, words: list[str]) -> tuple[list[int], list[int]]:
        """Returns the flat subword ids of `words` and the index of each word's first subword."""
        ids, offsets, _ = self.subword_spans(words)
        return ids, offsets

    def subword_spans(self, words: list[str]) -> tuple[list[int], list[int], list[int]]:
        """Returns the flat subword ids of `words` and, per word, the index of its first and of
        its last subword (a skipped bare space marker is not part of the word)."""
        if not words:
            return [], [], []
        per_word: list[list[int]]
        if self._tokenizer.is_fast:
            if self._word_prefix:
                words = [self._word_prefix + word for word in words]
            # verbose=False: a sentence longer than the encoder is expected (sliding window).
            encoding = self._tokenizer(
                words, is_split_into_words=True, add_special_tokens=False, verbose=False
            )
            per_word = [[] for _ in words]
            for subword_id, word_index in zip(
                encoding["input_ids"], encoding.word_ids(), strict=True
            ):
                per_word[word_index].append(subword_id)
        else:
            per_word = [self._tokenizer.encode(word, add_special_tokens=False) for word in words]
        ids: list[int] = []
        offsets: list[int] = []
        last_offsets: list[int] = []
        for pieces in per_word:
            pieces = pieces or [self._unk_id]
            first = self._first_real_piece(pieces)
            if self._space_markers == "drop":
                pieces, first = pieces[first:], 0
            offsets.append(len(ids) + first)
            ids.extend(pieces)
            last_offsets.append(len(ids) - 1)
        return ids, offsets, last_offsets

    def _first_real_piece(self, pieces: list[int]) -> int:
        """Index of the first piece that is not a bare space marker (0 if there is none)."""
        if self._bare_markers:
            for index, piece in enumerate(pieces):
                if piece not in self._bare_markers:
                    return index
        return 0

    def tokens_to_indices(self, tokens: list[Token], vocabulary: Vocabulary) -> IndexedTokenList:
        ids, offsets, last_offsets = self.subword_spans([token.ensure_text() for token in tokens])
        return {
            "token_ids": ids,
            "wordpiece_mask": [True] * len(ids),
            "offsets": offsets,
            "last_offsets": last_offsets,
            "mask": [True] * len(tokens),
        }

    def get_empty_token_list(self) -> IndexedTokenList:
        return {
            "token_ids": [],
            "wordpiece_mask": [],
            "offsets": [],
            "last_offsets": [],
            "mask": [],
        }

    def as_padded_tensor_dict(
        self, tokens: IndexedTokenList, padding_lengths: dict[str, int]
    ) -> dict[str, torch.Tensor]:
        pad_id = self._tokenizer.pad_token_id or 0
        return {
            "token_ids": torch.LongTensor(
                pad_sequence_to_length(
                    tokens["token_ids"], padding_lengths["token_ids"], lambda: pad_id
                )
            ),
            "wordpiece_mask": torch.BoolTensor(
                pad_sequence_to_length(
                    tokens["wordpiece_mask"], padding_lengths["wordpiece_mask"], lambda: False
                )
            ),
            "offsets": torch.LongTensor(
                pad_sequence_to_length(tokens["offsets"], padding_lengths["offsets"], lambda: 0)
            ),
            "last_offsets": torch.LongTensor(
                pad_sequence_to_length(
                    tokens["last_offsets"], padding_lengths["last_offsets"], lambda: 0
                )
            ),
            "mask": torch.BoolTensor(
                pad_sequence_to_length(tokens["mask"], padding_lengths["mask"], lambda: False)
            ),
        }

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PretrainedTransformerFirstSubwordIndexer):
            return (self._model_name, self._space_markers) == (
                other._model_name,
                other._space_markers,
            )
        return NotImplemented
