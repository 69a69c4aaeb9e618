"""Parallel sentences of several languages: XNLI's 15-way parallel dev/test files (the same
`pairID` in every language), or line-aligned files, one per language (plain text, one
sentence per line, or CoNLL-U files of a parallel treebank such as PUD, sentence by sentence)."""

import os
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from allennlp.common import Tqdm
from allennlp.data import DatasetReader
from tqdm import tqdm

from xlt_allennlp.analysis.subword_counts import infer_reader_type
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.errors import DataFormatError, iter_decoded_lines

# language -> {unit key: sentence}; units with the same key in two languages are translations.
ParallelText = dict[str, dict[Any, str]]
READING = "layer-similarity: reading sentences"  # the progress bar of `read_parallel`

_Item = TypeVar("_Item")


def read_parallel(files: list[tuple[str, str]], encoder: str) -> ParallelText:
    """The sentences of `files` ((language, path) pairs; XNLI files hold every language and
    their pairs give the language), aligned by unit key, with one progress bar over the
    sentences read. Line-aligned files must all have as many sentences as the first one (else a
    `DataFormatError` naming both files and counts)."""
    text: ParallelText = {}
    aligned: list[tuple[str, int]] = []
    with Tqdm.tqdm(desc=READING, unit=" sentences") as progress:
        for language, path in files:
            if not os.path.isfile(path):
                raise DataFormatError(path, None, "no such file")
            progress.set_postfix_str(os.path.basename(path), refresh=False)
            if file_format(path) == "xnli":
                for lang, key, sentence in _counted(_xnli_sentences(path, encoder), progress):
                    text.setdefault(lang, {}).setdefault(key, sentence)
            else:
                _add_aligned_file(text, aligned, language, path, progress)
    return text


def _add_aligned_file(
    text: ParallelText, aligned: list[tuple[str, int]], language: str, path: str, progress: tqdm
) -> None:
    """Adds the sentences of a line-aligned file (plain text or CoNLL-U) to `text` under
    `language`, keyed by position; `aligned` holds the sentence count of each such file."""
    reader = _conllu_sentences if path.endswith(".conllu") else _line_sentences
    sentences = list(_counted(reader(path), progress))
    _check_aligned(path, len(sentences), aligned)
    if language in text:
        raise ConfigError(f"language {language!r} given twice (last: {path}); use LANG=PATH")
    text[language] = {index: s for index, s in enumerate(sentences) if s.strip()}


def _counted(items: Iterable[_Item], progress: tqdm) -> Iterator[_Item]:
    """`items`, each counted on the progress bar as it goes by."""
    for item in items:
        progress.update()
        yield item


def _check_aligned(path: str, count: int, aligned: list[tuple[str, int]]) -> None:
    """Records `path`'s sentence count in `aligned`; a `DataFormatError` if it differs from
    the first line-aligned file's."""
    if aligned and count != aligned[0][1]:
        first, expected = aligned[0]
        raise DataFormatError(
            path,
            None,
            f"{count} sentences, but {first} has {expected}: line-aligned parallel "
            "files must have one sentence per line (or CoNLL-U sentence) in each language",
        )
    aligned.append((path, count))


def translation_pairs(text: ParallelText, source: str, target: str) -> tuple[list[str], list[str]]:
    """(source sentences, their translations) over the units both languages have, in key order,
    each source sentence once (XNLI repeats a premise for its three hypotheses)."""
    seen: set[str] = set()
    sources, targets = [], []
    for key, sentence in text[source].items():
        if key in text[target] and sentence not in seen:
            seen.add(sentence)
            sources.append(sentence)
            targets.append(text[target][key])
    return sources, targets


def file_format(path: str) -> str:
    try:
        return infer_reader_type(path)
    except ConfigError:
        return "lines"


def _xnli_sentences(path: str, encoder: str) -> Iterator[tuple[str, Any, str]]:
    reader: Any = DatasetReader.by_name("xnli")(model_name=encoder, ignore_gold=True)
    for instance in reader.read(path):
        metadata = instance["metadata"].metadata  # type: ignore[attr-defined]
        if "pair_id" not in metadata:
            raise DataFormatError(
                path, metadata["line"], "no pairID: the rows are not aligned across languages"
            )
        for field in ("premise", "hypothesis"):
            yield metadata["language"], (path, metadata["pair_id"], field), metadata[field]


def _line_sentences(path: str) -> Iterator[str]:
    for _, line in iter_decoded_lines(path):
        yield line.strip()


def _conllu_sentences(path: str) -> Iterator[str]:
    for sentence in read_conllu(path):
        texts = [line[len("# text =") :] for line in sentence.lines if line.startswith("# text =")]
        yield texts[0].strip() if texts else " ".join(word.form for word in sentence.words)
