"""Raw text into sentences of words with character offsets, and the reader that makes instances of
them for a word-level model (the raw-text input of `allennlp predict`, docs/raw-text.md).

Sentences are split with the package's splitter (`sentence_splitter.split_sentences`: its rules
for en de fr es it ru zh ja hi ar ur, sentencex for other languages, and for a text without a
language the choice `script_language` makes from its script); words with
`word_tokenizers.MultilingualWordTokenizer`. Offsets are character offsets into the text given
(a JSON `text` value, a line, or a whole file as decoded: a byte-order mark not counted, each
line end one character).
"""

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance

from xlt_allennlp.data.data_files import read_each
from xlt_allennlp.data.errors import DataFormatError, iter_decoded_lines
from xlt_allennlp.data.sentence_splitter import script_language, split_sentences
from xlt_allennlp.data.word_tokenizers import MultilingualWordTokenizer, guess_language


@dataclass
class RawSentence:
    """One detected sentence: `text` is its `# text` (the words with one space wherever the input
    had whitespace between them), `source` the sentence as the input has it, starting at
    character `start` of the input, `offsets` the (start, end) of each word in the input, and
    `space_after` whether whitespace follows each word (for the last word: before the next
    sentence of the same text)."""

    sent_id: str
    text: str
    source: str
    start: int
    words: list[str]
    offsets: list[tuple[int, int]]
    space_after: list[bool]
    newpar: bool = False
    input_number: Optional[int] = None

    def metadata(self) -> dict[str, Any]:
        """What an instance keeps of the sentence (the `raw` metadata the predictors write)."""
        return asdict(self)


def sentence_spans(text: str, language: Optional[str], one_per_line: bool) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of `text`: its non-blank lines if `one_per_line`, else
    the package's splitter for `language` (for `None`, the splitter chosen from the script)."""
    if one_per_line:
        parts = [line for line in text.split("\n") if line.strip()]
    else:
        parts = split_sentences(text, language or script_language(text))
    spans = []
    position = 0
    for part in parts:
        part = part.strip()
        start = text.find(part, position)
        if start < 0:  # a splitter that changed the text: never seen, but never lose words
            raise ValueError(f"sentence splitter returned text not in the input: {part[:40]!r}")
        spans.append((start, start + len(part)))
        position = start + len(part)
    return spans


class RawTextSegmenter:
    """Splits texts into `RawSentence`s, numbering the sentences 1, 2, ... in the order it sees
    them (their `# sent_id`).

    # Parameters

    language : `Optional[str]`, optional (default = `None`)
        The texts' language (ISO 639-1/639-3 code); `None` guesses it for each text from its
        script.
    one_sentence_per_line : `bool`, optional (default = `False`)
        Each non-blank line is one sentence (no sentence splitting).
    """

    def __init__(self, language: Optional[str] = None, one_sentence_per_line: bool = False) -> None:
        self.language = language
        self.one_sentence_per_line = one_sentence_per_line
        self.sentences_seen = 0

    def segment(
        self,
        text: str,
        offset: int = 0,
        input_number: Optional[int] = None,
        language: Optional[str] = None,
    ) -> list[RawSentence]:
        """The sentences of `text` (a paragraph, a line or a JSON `text`), offsets shifted by
        `offset`; the first is marked `newpar` unless sentences are one per line. `language`
        overrides the segmenter's for this text."""
        sentences = []
        language = language or self.language
        tokenizer = MultilingualWordTokenizer(language or guess_language(text))
        for start, end in sentence_spans(text, language, self.one_sentence_per_line):
            tokens = tokenizer.tokenize(text[start:end])
            if not tokens:
                continue
            spans = [(start + token.idx, start + token.idx_end) for token in tokens]  # type: ignore[operator]
            space_after = [
                end_a < start_b for (_, end_a), (start_b, _) in zip(spans, spans[1:], strict=False)
            ]
            space_after.append(end == len(text) or text[end].isspace())
            self.sentences_seen += 1
            sentences.append(
                RawSentence(
                    sent_id=str(self.sentences_seen),
                    text="".join(
                        token.text + (" " if space else "")
                        for token, space in zip(tokens, space_after[:-1] + [False], strict=True)
                    ),
                    source=text[start:end],
                    start=offset + start,
                    words=[str(token.text) for token in tokens],
                    offsets=[(offset + s, offset + e) for s, e in spans],
                    space_after=space_after,
                    newpar=not sentences and not self.one_sentence_per_line,
                    input_number=input_number,
                )
            )
        return sentences


def read_paragraphs(
    path: str, encoding: str = "utf-8", one_sentence_per_line: bool = False
) -> Iterator[tuple[str, int, int]]:
    """(text, character offset in the file, first line number) of each paragraph of a text file
    (lines up to a blank line), or of each non-blank line with `one_sentence_per_line`. Undecodable
    bytes and NUL bytes stop with `path:line:`; a file with no text is an error naming it."""
    offset = 0
    lines: list[str] = []
    start_offset = start_line = 0
    found = False
    for line_number, line in iter_decoded_lines(path, encoding):
        if line.strip() and not lines:
            start_offset, start_line = offset, line_number
        if line.strip():
            lines.append(line)
        if lines and (not line.strip() or one_sentence_per_line):
            found = True
            yield "\n".join(lines), start_offset, start_line
            lines = []
        offset += len(line) + 1
    if lines:
        found = True
        yield "\n".join(lines), start_offset, start_line
    if not found:
        raise DataFormatError(path, None, "the file contains no text (is it empty?)")


@DatasetReader.register("raw_text")
class RawTextReader(DatasetReader):
    """Reads a plain text file into one instance per detected sentence, for a word-level model.

    Registered as a `DatasetReader` with name "raw_text". The instances are made by a word-level
    reader's `text_to_instance` (`ud_pos`, `conll_ner`, `ud_parsing`): the raw-text mode of the
    predictors (`--predictor-args '{"input": "text"}'`, which wraps the archive's reader in it).
    Paragraphs are separated by blank lines (a paragraph may span lines); each is split into
    sentences and words (`RawTextSegmenter`). Each instance's metadata has `raw`: the sentence's
    `sent_id`, `# text`, words, character offsets into the file, `SpaceAfter` and `newpar`, so a
    predictor writes CoNLL-U or entity spans. Multiword tokens are not expanded.

    ```jsonnet
    "dataset_reader": {"type": "raw_text", "language": "de",
                       "word_reader": {"type": "ud_pos", "token_indexers": {...}}}
    ```

    # Parameters

    word_reader : `DatasetReader`
        Makes the instances (its `text_to_instance(words, **metadata)`) and indexes them.
    language : `Optional[str]`, optional (default = `None`)
        The text's language (ISO 639-1/639-3 code); `None` guesses it from each paragraph's
        script.
    one_sentence_per_line : `bool`, optional (default = `False`)
        Each non-blank line is one sentence (no sentence splitting).
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    """

    def __init__(
        self,
        word_reader: DatasetReader,
        language: Optional[str] = None,
        one_sentence_per_line: bool = False,
        encoding: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        kwargs["manual_distributed_sharding"] = True
        kwargs["manual_multiprocess_sharding"] = True
        super().__init__(**kwargs)
        self.word_reader = word_reader
        self.language = language
        self.one_sentence_per_line = one_sentence_per_line
        self._encoding = encoding

    def segmenter(self) -> RawTextSegmenter:
        """A segmenter with this reader's settings (sentences numbered from 1)."""
        return RawTextSegmenter(self.language, self.one_sentence_per_line)

    def _read(self, file_path: str) -> Iterable[Instance]:
        segmenter = self.segmenter()
        paragraphs = read_each(
            file_path,
            lambda path: read_paragraphs(path, self._encoding, self.one_sentence_per_line),
        )
        for text, offset, _ in self.shard_iterable(paragraphs):
            for sentence in segmenter.segment(text, offset):
                yield self.sentence_instance(sentence)

    def sentence_instance(self, sentence: RawSentence) -> Instance:
        """The word reader's instance of one sentence, with its `raw` metadata."""
        return self.word_reader.text_to_instance(sentence.words, raw=sentence.metadata())  # type: ignore[call-arg]

    def text_to_instance(self, text: str) -> Instance:  # type: ignore[override]
        """The instance of `text` as one sentence (no splitting)."""
        segmenter = RawTextSegmenter(self.language, one_sentence_per_line=True)
        sentences = segmenter.segment(text.replace("\n", " "))
        if not sentences:
            raise ValueError("the text holds no word")
        return self.sentence_instance(sentences[0])

    def apply_token_indexers(self, instance: Instance) -> None:
        self.word_reader.apply_token_indexers(instance)
