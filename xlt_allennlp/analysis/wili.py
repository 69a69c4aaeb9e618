"""WiLI-2018 (Thoma 2018) and `LABEL<TAB>TEXT` files: labelled paragraphs for language ID."""

import logging
import os
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance
from allennlp.data.fields import LabelField, MetadataField, TextField
from allennlp.data.token_indexers import PretrainedTransformerIndexer, TokenIndexer
from allennlp.data.tokenizers import PretrainedTransformerTokenizer

from xlt_allennlp.common.encoders import require_encoder
from xlt_allennlp.data.data_files import data_files
from xlt_allennlp.data.errors import DataFormatError, NothingLeftError, iter_decoded_lines
from xlt_allennlp.data.input_filters import Skipped, log_kept
from xlt_allennlp.data.sentence_splitter import script_language, split_sentences

logger = logging.getLogger(__name__)

# The WiLI labels of mBERT's languages, shipped with the package (`languages_file: "mbert"`).
MBERT_LANGUAGES_FILE = os.path.join(os.path.dirname(__file__), "mbert_wili_languages.txt")
PARTS = ("train", "dev")
# `languages_file` value (and ext var) that keeps every language.
NO_LANGUAGES_FILE = "none"
_ISO_639_1 = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z0-9]+)?$")
_WIKI_CODE = re.compile(r"\(([a-z-]+)\)\s*$")


@dataclass(frozen=True)
class Paragraph:
    """One labelled text of a file (`label` None when unlabelled, for prediction)."""

    path: str
    line: int
    label: Optional[str]
    text: str


def read_language_list(path: str) -> list[str]:
    """The labels of a list file: the first word of each line; `#` starts a comment."""
    if path == "mbert":
        path = MBERT_LANGUAGES_FILE
    labels = []
    for _, line in iter_decoded_lines(path):
        words = line.split("#", 1)[0].split()
        if words:
            labels.append(words[0])
    if not labels:
        raise DataFormatError(path, None, "no language labels in the list file")
    return labels


def read_language_codes(path: str) -> dict[str, str]:
    """Wikipedia code -> label, from the list file's comments that end in one (`deu   # German
    (de)`, as in the shipped `mbert` list); empty for a list without them."""
    if path == "mbert":
        path = MBERT_LANGUAGES_FILE
    codes = {}
    for _, line in iter_decoded_lines(path):
        label, _, comment = line.partition("#")
        match = _WIKI_CODE.search(comment)
        if label.split() and match:
            codes[match.group(1)] = label.split()[0]
    return codes


def stratified_dev(
    paragraphs: list[Paragraph], fraction: float, seed: int
) -> tuple[list[Paragraph], list[Paragraph]]:
    """(train, dev): from each label, a seeded random `fraction` of its paragraphs (at least one
    when it has two or more) is held out as dev. A label's choice depends only on the seed, the
    label and its own paragraphs, so adding or removing a language changes no other's split."""
    by_label: dict[Optional[str], list[int]] = defaultdict(list)
    for index, paragraph in enumerate(paragraphs):
        by_label[paragraph.label].append(index)
    dev: set[int] = set()
    for label, indices in by_label.items():
        count = round(len(indices) * fraction)
        if fraction > 0 and count == 0 and len(indices) > 1:
            count = 1
        dev.update(random.Random(f"{seed}/{label}").sample(indices, min(count, len(indices))))
    train = [p for i, p in enumerate(paragraphs) if i not in dev]
    return train, [p for i, p in enumerate(paragraphs) if i in dev]


def looks_like_iso_639_1(labels: Iterable[str]) -> bool:
    """Whether most distinct labels are two-letter codes (`de`, `en`, `pt-BR`), not WiLI's."""
    distinct = set(labels)
    return bool(distinct) and 2 * sum(bool(_ISO_639_1.match(x)) for x in distinct) >= len(distinct)


def alike_labels(labels: list[str], listed: list[str], codes: dict[str, str]) -> tuple[str, str]:
    """A label of a file and one of a language list, alike where there are such (`de` and
    `deu`: by the list's Wikipedia `codes`, else by prefix), for an example in a message;
    `labels` most common first."""
    for label in labels:
        if codes.get(label) in listed:
            return label, codes[label]
    for label in labels:
        for candidate in listed:
            if candidate.startswith(label):
                return label, candidate
    return labels[0], listed[0]


def quoted(labels: list[str], limit: int = 5) -> str:
    """`'de', 'en', 'fr'` (and `... (12 labels)` beyond `limit`)."""
    text = ", ".join(repr(label) for label in labels[:limit])
    return text + (f", ... ({len(labels)} labels)" if len(labels) > limit else "")


@DatasetReader.register("wili")
class WiliReader(DatasetReader):
    """Labelled paragraphs for language identification: WiLI-2018 or `LABEL<TAB>TEXT` files.

    Registered as a `DatasetReader` with name "wili". A path whose file name starts with `x_`
    (`x_train.txt`, `x_test.txt`) is a WiLI file: one paragraph per line, its label on the same
    line of the `y_` file beside it (`y_train.txt`); files of different line counts are an error
    naming both files and counts. Any other file holds `LABEL<TAB>TEXT` lines (blank lines
    skipped), so any labelled multilingual text works. Labels are WiLI's (ISO 639-3 mostly, and
    `zh-yue`, `be-tarask`, ...) or whatever the file uses. `file_path` takes several files (commas,
    globs).

    The input is the first two sentences of the paragraph, joined by a space and cut to
    `max_length` subwords, special tokens included.

    WiLI has no dev split: `PATH#train` / `PATH#dev` read the rest / a seeded, stratified hold-out
    of `dev_fraction` of each language's paragraphs (seed `dev_seed`); a path without `#` is read
    whole. What `languages` or `languages_file` leave out of each file is logged as a warning with
    kept and skipped counts; when they leave nothing of a file, a `NothingLeftError` names the
    option and how to keep the paragraphs (e.g. a file labelled in ISO 639-1, `de`, against the
    WiLI labels of `languages_file: "mbert"`, `deu`).

    Errors name file and line: an empty paragraph or label, a line without a tab, undecodable
    bytes. `ignore_gold` (prediction): no `label` field; a WiLI file needs no `y_` file and a line
    may be the text alone.

    ```jsonnet
    "dataset_reader": {"type": "wili", "model_name": "bert-base-multilingual-cased",
                       "max_length": 128, "languages_file": "mbert",
                       "dev_fraction": 0.1, "dev_seed": 13}
    // train_data_path: "wili/x_train.txt#train", validation_data_path: "wili/x_train.txt#dev"
    ```

    # Parameters

    model_name : `str`
        The Hugging Face encoder (name or local path) whose tokenizer splits the text.
    max_length : `int`, optional (default = `128`)
        Subwords per input, the encoder's special tokens included.
    languages : `List[str]`, optional (default = `None`)
        Keep only paragraphs with these labels; `None`: every language. Not together with
        `languages_file`.
    languages_file : `str`, optional (default = `None`)
        A file of labels to keep (the first word of each line; `#` starts a comment), or
        `"mbert"`: the shipped list of the 102 WiLI labels of mBERT's languages. `None` or
        `"none"`: every language. Not together with `languages`.
    dev_fraction : `float`, optional (default = `0.1`)
        The share of each language's paragraphs that `PATH#dev` holds out, in [0, 1); above 0,
        at least one paragraph of every language that has two or more.
    dev_seed : `int`, optional (default = `13`)
        The seed of the dev hold-out.
    sentence_language : `str`, optional (default = `"script"`)
        How the sentence splitter is chosen. `"script"`: from the text alone (sentencex for the
        scripts it splits better, e.g. Greek, Georgian, Burmese, the package's rules otherwise;
        see `script_language`), so the input never depends on the gold label; `"label"`: by the
        labelled language; `"none"`: the package's rules for every paragraph.
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the subwords are indexed. `None`: allennlp's `pretrained_transformer` indexer for
        `model_name` under the key `tokens`.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for the Hugging Face tokenizer (`AutoTokenizer.from_pretrained`), used by
        the tokenizer and the default indexer.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    ignore_gold : `bool`, optional (default = `False`)
        Prediction: labels are not read into instances (no `label` field).
    """

    def __init__(
        self,
        model_name: str,
        max_length: int = 128,
        languages: Optional[list[str]] = None,
        languages_file: Optional[str] = None,
        dev_fraction: float = 0.1,
        dev_seed: int = 13,
        sentence_language: str = "script",
        token_indexers: Optional[dict[str, TokenIndexer]] = None,
        tokenizer_kwargs: Optional[dict[str, Any]] = None,
        encoding: str = "utf-8",
        ignore_gold: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs["manual_distributed_sharding"] = True
        kwargs["manual_multiprocess_sharding"] = True
        super().__init__(**kwargs)
        if languages is not None and languages_file is not None:
            raise ValueError("give `languages` or `languages_file`, not both")
        if not 0 <= dev_fraction < 1:
            raise ValueError(f"dev_fraction must be in [0, 1), not {dev_fraction}")
        if sentence_language not in ("script", "label", "none"):
            raise ValueError(
                f"sentence_language must be 'script', 'label' or 'none', not {sentence_language!r}"
            )
        require_encoder(model_name)
        self.model_name = model_name
        self.max_length = max_length
        if languages_file == NO_LANGUAGES_FILE:
            languages_file = None
        self.languages = (
            read_language_list(languages_file) if languages_file is not None else languages
        )
        self._languages_file = languages_file
        self.dev_fraction = dev_fraction
        self.dev_seed = dev_seed
        self.sentence_language = sentence_language
        self._tokenizer = PretrainedTransformerTokenizer(
            model_name, max_length=max_length, tokenizer_kwargs=tokenizer_kwargs
        )
        self._token_indexers = token_indexers or {
            "tokens": PretrainedTransformerIndexer(model_name, tokenizer_kwargs=tokenizer_kwargs)
        }
        self._encoding = encoding
        self.ignore_gold = ignore_gold

    def paragraphs(self, file_path: str) -> list[Paragraph]:
        """The paragraphs `file_path` names (language subset and `#train`/`#dev` applied)."""
        selected: list[Paragraph] = []
        for item in (part.strip() for part in str(file_path).split(",")):
            if not item:
                continue
            path_pattern, _, part = item.partition("#")
            if part and part not in PARTS:
                raise ValueError(f"{item!r}: after '#' give 'train' or 'dev', not {part!r}")
            for path in data_files(path_pattern):
                paragraphs = self._kept(path, list(self._read_file(path)))
                selected.extend(self._part(path, part, paragraphs) if part else paragraphs)
        return selected

    def _read(self, file_path: str) -> Iterable[Instance]:
        for paragraph in self.shard_iterable(self.paragraphs(file_path)):
            yield self.paragraph_to_instance(paragraph)

    def input_text(self, paragraph: Paragraph) -> str:
        """The first two sentences of a paragraph, joined by a space."""
        if self.sentence_language == "script":
            language = script_language(paragraph.text)
        else:
            language = paragraph.label if self.sentence_language == "label" else None
        return " ".join(split_sentences(paragraph.text, language)[:2])

    def paragraph_to_instance(self, paragraph: Paragraph) -> Instance:
        text = self.input_text(paragraph)
        fields: dict[str, Any] = {
            "tokens": TextField(self._tokenizer.tokenize(text)),
            "metadata": MetadataField(
                {"text": text, "gold_label": paragraph.label, "line": paragraph.line}
            ),
        }
        if paragraph.label is not None and not self.ignore_gold:
            fields["label"] = LabelField(paragraph.label)
        return Instance(fields)

    def text_to_instance(  # type: ignore[override]
        self, text: str, label: Optional[str] = None
    ) -> Instance:
        """An instance of one paragraph (its first two sentences)."""
        if not text.strip():
            raise ValueError("the paragraph is empty")
        return self.paragraph_to_instance(Paragraph("<input>", 0, label, text.strip()))

    def apply_token_indexers(self, instance: Instance) -> None:
        instance["tokens"].token_indexers = self._token_indexers  # type: ignore[attr-defined]

    @property
    def languages_option(self) -> str:
        """The reader option that selects languages, as a user sets it (`languages_file=mbert`)."""
        if self._languages_file is not None:
            return f"languages_file={self._languages_file}"
        return f"languages={self.languages!r}" if self.languages is not None else "languages=null"

    def _kept(self, path: str, paragraphs: list[Paragraph]) -> list[Paragraph]:
        """The paragraphs of one file in the selected languages (unlabelled ones all kept)."""
        if self.languages is None:
            log_kept(logger, self, path, len(paragraphs), "paragraphs", [])
            return paragraphs
        wanted = set(self.languages)
        kept = [p for p in paragraphs if p.label is None or p.label in wanted]
        if not kept:
            raise self._no_language_left(path, paragraphs)
        skipped = Counter(
            p.label for p in paragraphs if p.label is not None and p.label not in wanted
        )
        others = ", ".join(f"{label!r}: {count}" for label, count in skipped.most_common(5))
        more = ", ..." if len(skipped) > 5 else ""
        every = f"languages_file={NO_LANGUAGES_FILE}" if self._languages_file else "languages=null"
        reason = Skipped(
            sum(skipped.values()),
            f"in {len(skipped)} other languages ({others}{more})",
            self.languages_option,
            f"{every} keeps every language",
        )
        log_kept(logger, self, path, len(kept), "paragraphs", [reason])
        return kept

    def _no_language_left(self, path: str, paragraphs: list[Paragraph]) -> NothingLeftError:
        """The error for a file none of whose labels is in the selected languages."""
        assert self.languages is not None
        labels = [label for label, _ in Counter(p.label or "" for p in paragraphs).most_common()]
        codes = read_language_codes(self._languages_file) if self._languages_file else {}
        label, listed = alike_labels(labels, sorted(self.languages), codes)
        described = (
            "WiLI ISO 639-3 labels"
            if self._languages_file == "mbert"
            else f"{len(set(self.languages))} labels"
        )
        if looks_like_iso_639_1(labels):
            found = f"labels here look like ISO 639-1 ({label!r})"
        else:
            found = f"labels here: {quoted(labels)}"
        if self._languages_file is not None:
            fix = f"pass languages_file={NO_LANGUAGES_FILE} or a file of your labels"
        else:
            fix = "pass languages=null or your file's labels"
        return NothingLeftError(
            f"{path}: 0 of {len(paragraphs)} paragraphs have a label in {self.languages_option} "
            f"({described} such as {listed!r}); {found}: {fix}"
        )

    def _part(self, path: str, part: str, paragraphs: list[Paragraph]) -> list[Paragraph]:
        """The training rest (`part` "train") or the dev hold-out ("dev") of one file."""
        train, dev = stratified_dev(paragraphs, self.dev_fraction, self.dev_seed)
        kept, rest = (train, dev) if part == "train" else (dev, train)
        option = f"dev_fraction={self.dev_fraction} with dev_seed={self.dev_seed}"
        if not kept:
            holds = "holds out none" if part == "dev" else "holds out all"
            change = "set it above 0 (e.g. 0.1)" if part == "dev" else "lower it"
            raise NothingLeftError(
                f"{path}#{part}: 0 of {len(paragraphs)} paragraphs kept: the reader option "
                f"dev_fraction={self.dev_fraction} {holds} of them (the hold-out takes that "
                f"share of each language's paragraphs); {change}, or give a separate dev file"
            )
        why = "held out as dev" if part == "train" else "left for training"
        skipped = Skipped(len(rest), why, option)
        log_kept(logger, self, f"{path}#{part}", len(kept), "paragraphs", [skipped])
        return kept

    def _read_file(self, path: str) -> Iterator[Paragraph]:
        directory, name = os.path.split(path)
        if name.startswith("x_"):
            yield from self._read_wili(path, os.path.join(directory, "y_" + name[2:]))
        else:
            yield from self._read_tsv(path)

    def _read_wili(self, x_path: str, y_path: str) -> Iterator[Paragraph]:
        texts = [text for _, text in iter_decoded_lines(x_path, self._encoding)]
        if self.ignore_gold and not os.path.exists(y_path):
            labels: list[Optional[str]] = [None] * len(texts)
        else:
            labels = [label.strip() for _, label in iter_decoded_lines(y_path, self._encoding)]
            if len(labels) != len(texts):
                raise DataFormatError(
                    x_path,
                    None,
                    f"{len(texts)} paragraphs (lines) but {y_path} has {len(labels)} labels "
                    "(lines): WiLI's x_*.txt and y_*.txt pair paragraph and label line by line",
                )
        if not texts:
            raise DataFormatError(x_path, None, "no paragraphs in the file")
        for line, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
            if not text.strip():
                raise DataFormatError(x_path, line, "the paragraph is empty")
            if label is not None and not label and not self.ignore_gold:
                raise DataFormatError(y_path, line, "the label is empty")
            yield Paragraph(x_path, line, None if self.ignore_gold else label or None, text.strip())

    def _read_tsv(self, path: str) -> Iterator[Paragraph]:
        read = 0
        for line, row in iter_decoded_lines(path, self._encoding):
            if not row.strip():
                continue
            label, tab, text = row.partition("\t")
            if not tab:
                if not self.ignore_gold:
                    raise DataFormatError(path, line, "expected `LABEL<TAB>text`, found no tab")
                label, text = "", label
            if not label.strip() and not self.ignore_gold:
                raise DataFormatError(path, line, "the label (before the tab) is empty")
            if not text.strip():
                raise DataFormatError(path, line, "the text (after the tab) is empty")
            read += 1
            yield Paragraph(path, line, None if self.ignore_gold else label.strip(), text.strip())
        if read == 0:
            raise DataFormatError(path, None, "no `LABEL<TAB>text` lines in the file")
