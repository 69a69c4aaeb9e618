"""Streaming reader for whitespace-separated column files (CoNLL 2002/2003 NER, SIGHAN NER)."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from xlt_allennlp.data.errors import DataFormatError, iter_decoded_lines

DOCSTART = "-DOCSTART-"


@dataclass
class ConllSentence:
    """One sentence: its token lines split into columns, plus the raw lines for writing back.

    `prefix_lines` holds the `-DOCSTART-` lines (and the blank lines after them) that came
    before this sentence, so a predictor can reproduce the file around its predictions.
    """

    path: str
    lines: list[str] = field(default_factory=list)
    columns: list[list[str]] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    prefix_lines: list[str] = field(default_factory=list)


def read_conll_columns(path: str, encoding: str = "utf-8") -> Iterator[ConllSentence]:
    """Streams sentences of a column file; blank lines separate sentences.

    Lines whose first column is `-DOCSTART-` are document breaks, not tokens. Every token line
    must have as many whitespace-separated columns as the file's first token line; otherwise,
    and on undecodable bytes or an empty file, raises `DataFormatError` naming file and line.
    """
    expected: tuple[int, int] | None = None  # (number of columns, line it was set on)
    sentence: ConllSentence | None = None
    pending_prefix: list[str] = []
    found_any = False
    for line_number, line in iter_decoded_lines(path, encoding):
        columns = line.split()
        if not columns or columns[0] == DOCSTART:
            if sentence is not None:
                found_any = True
                yield sentence
                sentence = None
            # Document breaks and the blank lines after them are kept; a blank line that
            # only ends a sentence is not.
            if columns or pending_prefix:
                pending_prefix.append(line)
            continue
        if expected is None:
            expected = (len(columns), line_number)
        elif len(columns) != expected[0]:
            raise DataFormatError(
                path,
                line_number,
                f"expected {expected[0]} whitespace-separated columns (as on line {expected[1]}), "
                f"found {len(columns)}",
            )
        if sentence is None:
            sentence = ConllSentence(path, prefix_lines=pending_prefix)
            pending_prefix = []
        sentence.lines.append(line)
        sentence.columns.append(columns)
        sentence.line_numbers.append(line_number)
    if sentence is not None:
        found_any = True
        yield sentence
    if not found_any:
        raise DataFormatError(path, None, "the file contains no sentence (is it empty?)")
