"""A strict, streaming CoNLL-U parser that reports problems with file and line.

We do not use `conllu.parse_incr` here because its errors carry no line numbers and it accepts
several malformed inputs silently; this parser keeps the raw lines of every sentence so that
predictors can write the file back with only the predicted columns changed.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from xlt_allennlp.data.errors import DataFormatError, iter_decoded_lines

COLUMNS = ("ID", "FORM", "LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS", "MISC")
COLUMN_INDEX = {name: index for index, name in enumerate(COLUMNS)}

_WORD_ID = re.compile(r"^[1-9][0-9]*$")
_RANGE_ID = re.compile(r"^([1-9][0-9]*)-([1-9][0-9]*)$")
_EMPTY_ID = re.compile(r"^([0-9]+)\.([1-9][0-9]*)$")


@dataclass(frozen=True)
class ConlluWord:
    """One syntactic word (an integer-ID line) of a CoNLL-U sentence."""

    id: int
    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: str
    deprel: str
    deps: str
    misc: str
    line_number: int
    line_index: int  # index of this word's line in `ConlluSentence.lines`


@dataclass
class ConlluSentence:
    """A sentence: its raw lines (comments, multiword and empty-node lines included) and words."""

    path: str
    start_line: int
    lines: list[str] = field(default_factory=list)
    words: list[ConlluWord] = field(default_factory=list)

    def head_indices(self) -> list[int]:
        """The HEAD column as integers, checked to be in range [0, number of words]."""
        heads = []
        for word in self.words:
            if not _WORD_ID.match(word.head) and word.head != "0":
                raise DataFormatError(
                    self.path,
                    word.line_number,
                    f"HEAD must be an integer word index (0 for the root), found {word.head!r}",
                )
            head = int(word.head)
            if head > len(self.words):
                raise DataFormatError(
                    self.path,
                    word.line_number,
                    f"HEAD {head} is out of range: the sentence starting at line "
                    f"{self.start_line} has {len(self.words)} words",
                )
            heads.append(head)
        return heads


def _parse_line(path: str, line_number: int, line: str) -> list[str]:
    columns = line.split("\t")
    if len(columns) != len(COLUMNS):
        hint = ""
        if len(columns) == 1 and " " in line:
            hint = " (columns must be separated by TAB characters, not spaces)"
        raise DataFormatError(
            path,
            line_number,
            f"expected {len(COLUMNS)} tab-separated columns ({' '.join(COLUMNS)}), "
            f"found {len(columns)}{hint}",
        )
    return columns


def read_conllu(path: str, encoding: str = "utf-8") -> Iterator[ConlluSentence]:
    """Streams the sentences of a CoNLL-U file.

    Multiword-token lines (``1-2``) and empty nodes (``1.1``) are kept in ``lines`` but are not
    words. Raises `DataFormatError` with file and line on malformed lines, non-consecutive word
    IDs, undecodable bytes, and on a file that holds no sentence at all.
    """
    sentence: ConlluSentence | None = None
    found_any = False
    for line_number, line in iter_decoded_lines(path, encoding):
        if not line.strip():
            if sentence is not None and sentence.words:
                found_any = True
                yield sentence
            sentence = None
            continue
        if sentence is None:
            sentence = ConlluSentence(path=path, start_line=line_number)
        if line.startswith("#"):
            if sentence.words:
                raise DataFormatError(
                    path, line_number, "comment line inside a sentence (comments go before it)"
                )
            sentence.lines.append(line)
            continue
        columns = _parse_line(path, line_number, line)
        token_id = columns[0]
        if _RANGE_ID.match(token_id) or _EMPTY_ID.match(token_id):
            sentence.lines.append(line)
            continue
        if not _WORD_ID.match(token_id):
            raise DataFormatError(
                path,
                line_number,
                "ID must be an integer, a range like 3-4 or a decimal like 5.1, "
                f"found {token_id!r}",
            )
        expected = len(sentence.words) + 1
        if int(token_id) != expected:
            raise DataFormatError(
                path, line_number, f"expected word ID {expected}, found {token_id}"
            )
        if not columns[1]:
            raise DataFormatError(path, line_number, "FORM column is empty")
        sentence.words.append(
            ConlluWord(
                int(token_id),
                *columns[1:],
                line_number=line_number,
                line_index=len(sentence.lines),
            )
        )
        sentence.lines.append(line)
    if sentence is not None and sentence.words:
        found_any = True
        yield sentence
    if not found_any:
        raise DataFormatError(path, None, "the file contains no CoNLL-U sentence (is it empty?)")


def replace_column(line: str, column: str, value: str) -> str:
    """Returns a CoNLL-U word line with one column (by name, e.g. "UPOS") replaced."""
    columns = line.split("\t")
    columns[COLUMN_INDEX[column]] = value
    return "\t".join(columns)


def write_conllu_sentence(lines: list[str], columns: dict[str, list[str]]) -> str:
    """A sentence's CoNLL-U block with, on each word line in turn, the named columns replaced by
    the next value of each list (comments, multiword-token and empty-node lines kept as they
    are); ends with the blank line that separates sentences. The one CoNLL-U writer of the
    package (used by the tagger's and the parser's predictors)."""
    if not columns:
        return "\n".join(lines) + "\n\n"
    values = zip(*columns.values(), strict=True)
    out = []
    for line in lines:
        if not line.startswith("#") and line.split("\t", 1)[0].isdigit():
            for column, value in zip(columns, next(values), strict=True):
                line = replace_column(line, column, value)
        out.append(line)
    if next(values, None) is not None:
        raise ValueError("more predicted values than word lines in the sentence")
    return "\n".join(out) + "\n\n"


def misc_with(misc: str, **attributes: str) -> str:
    """A MISC value with `attributes` added (or replaced), all attributes sorted by name:
    `misc_with("SpaceAfter=No", NER="B-PER")` is `NER=B-PER|SpaceAfter=No`."""
    pairs = dict(item.split("=", 1) for item in misc.split("|") if item and item != "_")
    pairs.update(attributes)
    return "|".join(f"{name}={value}" for name, value in sorted(pairs.items())) or "_"


def raw_sentence_lines(raw: dict) -> list[str]:
    """The CoNLL-U lines of a sentence read from raw text (`RawSentence.metadata()`): `# newpar`
    for the first sentence of a paragraph, `# sent_id`, `# text`, and one word line per word with
    ID and FORM, `SpaceAfter=No` where no whitespace followed the word, and its character offsets
    in the input as `TokenRange=start:end` (UDPipe's attribute) in MISC; every other column `_`.
    `write_conllu_sentence` then fills in the predicted columns."""
    lines = ["# newpar"] if raw.get("newpar") else []
    lines += [f"# sent_id = {raw['sent_id']}", f"# text = {raw['text']}"]
    words = zip(raw["words"], raw["offsets"], raw["space_after"], strict=True)
    for index, (form, (start, end), space_after) in enumerate(words, start=1):
        misc = misc_with("" if space_after else "SpaceAfter=No", TokenRange=f"{start}:{end}")
        lines.append("\t".join([str(index), form, *["_"] * 7, misc]))
    return lines
