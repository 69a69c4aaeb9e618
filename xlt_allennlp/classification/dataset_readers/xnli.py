"""XNLI (Conneau et al. 2018) and MultiNLI (Williams et al. 2018) pairs (paper section 4.2)."""

import copy
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

from allennlp.data import DatasetReader, Instance

from xlt_allennlp.classification.dataset_readers.text_pair import TextPairReader
from xlt_allennlp.data.data_files import read_each
from xlt_allennlp.data.errors import DataFormatError, NothingLeftError, iter_decoded_lines
from xlt_allennlp.data.input_filters import Skipped
from xlt_allennlp.data.labels import NLI_LABELS

# Column / key names of other releases, mapped to MultiNLI's: XNLI-MT's translated training
# files have `premise`, `hypo`, `label` columns and say "contradictory".
_COLUMN_ALIASES = {
    "premise": "sentence1",
    "hypo": "sentence2",
    "hypothesis": "sentence2",
    "label": "gold_label",
}
_LABEL_ALIASES = {"contradictory": "contradiction"}
_REQUIRED = ("gold_label", "sentence1", "sentence2")
_TEXTS = ("sentence1", "sentence2")  # all that prediction (`ignore_gold`) needs
NO_CONSENSUS = "-"


@dataclass
class NliRow:
    """One premise/hypothesis pair of a file, with its line number."""

    line_number: int
    language: str
    label: Optional[str]  # not checked, maybe None, with `ignore_gold`
    premise: str
    hypothesis: str
    pair_id: Optional[str]


@DatasetReader.register("xnli")
class XnliReader(TextPairReader):
    """Reads XNLI 1.0 and MultiNLI 1.0 files: premise/hypothesis pairs with a gold label.

    Registered as a `DatasetReader` with name "xnli". The layout is recognised from the content:

    - tab-separated with a header row (XNLI's `xnli.dev.tsv`/`xnli.test.tsv`, MultiNLI's
      `multinli_1.0_*.txt`, XNLI-MT's `premise hypo label` files): the `gold_label`,
      `sentence1` and `sentence2` columns are used, and `language` when there is one. Fields are
      split on tabs only (no CSV quoting: the sentences hold unbalanced quotes);
    - JSON lines (`multinli_1.0_*.jsonl`, XNLI's `xnli.*.jsonl`): the same keys.

    Pairs with gold label `-` (no annotator majority, MultiNLI dev) are skipped. Each file's kept
    and skipped counts are logged: a warning when a reader option (`languages`, `skip_empty`) left
    pairs out. For prediction (`ignore_gold`, set by the predictor) the label column/key is
    neither needed nor read, and every pair is kept. The pair is fed to the encoder as
    `[CLS] premise [SEP] hypothesis [SEP]`, truncated "longest first" to `max_length` subwords,
    special tokens included. "contradictory" (XNLI-MT) reads as "contradiction".

    Errors name file and line: missing columns or keys, a wrong number of fields, invalid JSON,
    an unknown label, an empty sentence (unless `skip_empty`), undecodable bytes, an empty file.

    ```jsonnet
    "dataset_reader": {"type": "xnli", "model_name": "bert-base-multilingual-cased",
                       "languages": ["de", "fr"]}
    ```

    # Parameters

    model_name : `str`
        The Hugging Face encoder (name or local path) whose tokenizer splits the text.
    languages : `List[str]`, optional (default = `None`)
        Read only the rows in these languages, e.g. `["de"]` for the German part of
        `xnli.test.tsv`; `None`: every row. A file with none of them is an error naming the
        option.
    default_language : `str`, optional (default = `"en"`)
        The language of rows without one (MultiNLI).
    max_length : `int`, optional (default = `128`)
        Subwords per input, the encoder's special tokens included; the texts are truncated
        "longest first" to what the special tokens leave. Must leave room for text beside the
        special tokens of a pair.
    labels : `List[str]`, optional (default = `None`)
        The allowed labels, which are also the model's label order (no repeats). `None`:
        entailment, neutral, contradiction.
    skip_empty : `bool`, optional (default = `False`)
        Skip pairs with an empty premise or hypothesis instead of raising an error; the skipped
        pairs of each file are counted in the log, and a file of only such pairs is an error.
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `None`)
        How the subwords are indexed. `None`: allennlp's `pretrained_transformer` indexer for
        `model_name` under the key `tokens`.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for the Hugging Face tokenizer (`AutoTokenizer.from_pretrained`), used by
        the tokenizer and the default indexer.
    encoding : `str`, optional (default = `"utf-8"`)
        The files' encoding.
    ignore_gold : `bool`, optional (default = `False`)
        Prediction: labels are neither needed nor checked, and rows without one are read. The
        package's predictors set it on their copy of the reader.
    """

    default_labels = NLI_LABELS
    json_keys = ("premise", "hypothesis")

    def __init__(
        self,
        model_name: str,
        languages: Optional[list[str]] = None,
        default_language: str = "en",
        **kwargs: Any,
    ) -> None:
        # Every other parameter is `TextPairReader`'s (allennlp's FromParams reads them there).
        super().__init__(model_name, **kwargs)
        if languages is not None and not languages:
            raise ValueError("languages must be null (all) or a non-empty list")
        self._languages = tuple(languages) if languages is not None else None
        self._default_language = default_language
        self._language_from_command = False

    @property
    def languages(self) -> Optional[tuple[str, ...]]:
        return self._languages

    def for_language(self, language: str) -> "XnliReader":
        """A copy of this reader that reads only `language` (used by `evaluate-languages`)."""
        reader = copy.copy(self)
        reader._languages = (language,)
        reader._language_from_command = True
        return reader

    def _read(self, file_path: str) -> Iterable[Instance]:
        rows = read_each(file_path, lambda path: ((path, row) for row in self._selected_rows(path)))
        for path, row in self.shard_iterable(rows):
            yield self._pair_instance(
                row.premise,
                row.hypothesis,
                None if self.ignore_gold else row.label,  # for prediction only echoed
                path,
                row.line_number,
                **self._metadata(row),
            )

    @staticmethod
    def _metadata(row: NliRow) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "premise": row.premise,
            "hypothesis": row.hypothesis,
            "language": row.language,
            "line": row.line_number,
        }
        if row.pair_id is not None:
            metadata["pair_id"] = row.pair_id
        if row.label is not None:
            metadata["gold_label"] = row.label
        return metadata

    def _selected_rows(self, path: str) -> Iterator[NliRow]:
        read = no_consensus = empty = 0
        other_languages: Counter[str] = Counter()
        for row in self._rows(path):
            if self._languages is not None and row.language not in self._languages:
                other_languages[row.language] += 1
                continue
            if row.label == NO_CONSENSUS and not self.ignore_gold:
                no_consensus += 1
                continue
            if not row.premise or not row.hypothesis:
                what = "the hypothesis (sentence2)" if row.premise else "the premise (sentence1)"
                if self.empty_text(path, row.line_number, what):
                    empty += 1
                    continue
            read += 1
            yield row
        if read + no_consensus + empty == 0 and self._languages is not None:
            raise self._no_pairs_in_languages(path, other_languages)
        self.check_left(path, read, empty, "pairs")
        if read == 0:
            raise DataFormatError(path, None, "no labelled sentence pairs in the file")
        skipped = [
            Skipped(no_consensus, f"with gold label {NO_CONSENSUS!r} (no annotator majority)"),
            self.skipped_empty(empty, "sentence"),
            Skipped(sum(other_languages.values()), "in other languages", self._languages_option),
        ]
        self.log_kept(path, read, "pairs", skipped)

    @property
    def _languages_option(self) -> Optional[str]:
        """`languages=de,fr` when the reader option chose the languages; None when a command
        did (`for_language`), so leaving out the other languages is no warning."""
        if self._languages is None or self._language_from_command:
            return None
        return f"languages={','.join(self._languages)}"

    def _no_pairs_in_languages(self, path: str, other_languages: Counter[str]) -> Exception:
        """The error for a file without a pair in the selected languages."""
        present = " ".join(sorted(other_languages)) or "none"
        languages = " ".join(self._languages or ())
        if self._languages_option is None:
            return DataFormatError(
                path, None, f"no pairs in language {languages}; languages in the file: {present}"
            )
        return NothingLeftError(
            f"{path}: 0 of {sum(other_languages.values())} pairs kept: none is in the reader "
            f"option {self._languages_option}; languages in the file: {present} (languages=null "
            "keeps every language)"
        )

    def _rows(self, path: str) -> Iterator[NliRow]:
        lines = ((n, line) for n, line in iter_decoded_lines(path, self._encoding) if line.strip())
        first = next(lines, None)
        if first is None:
            raise DataFormatError(path, None, "the file is empty")
        if first[1].lstrip().startswith(("{", "[")):
            yield from self._json_rows(path, [first], lines)
        else:
            yield from self._tsv_rows(path, first, lines)

    def _tsv_rows(
        self, path: str, header: tuple[int, str], lines: Iterator[tuple[int, str]]
    ) -> Iterator[NliRow]:
        names = [_COLUMN_ALIASES.get(name.strip(), name.strip()) for name in header[1].split("\t")]
        missing = [name for name in self._required() if name not in names]
        if missing:
            raise DataFormatError(
                path,
                header[0],
                f"the header row has no {' '.join(missing)} column(s) (found: "
                f"{' '.join(names)}); expected the XNLI/MultiNLI tab-separated layout with a "
                "header row",
            )
        index = {name: names.index(name) for name in names}
        for line_number, line in lines:
            fields = line.split("\t")
            if len(fields) != len(names):
                raise DataFormatError(
                    path,
                    line_number,
                    f"expected {len(names)} tab-separated fields (as in the header), found "
                    f"{len(fields)}",
                )
            yield self._row(path, line_number, {name: fields[i] for name, i in index.items()})

    def _json_rows(
        self,
        path: str,
        first: list[tuple[int, str]],
        lines: Iterator[tuple[int, str]],
    ) -> Iterator[NliRow]:
        for line_number, line in itertools.chain(first, lines):
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataFormatError(path, line_number, f"not valid JSON: {error}") from None
            if not isinstance(value, dict):
                raise DataFormatError(path, line_number, "expected a JSON object per line")
            value = {_COLUMN_ALIASES.get(key, key): item for key, item in value.items()}
            missing = [key for key in self._required() if key not in value]
            if missing:
                raise DataFormatError(
                    path, line_number, f"missing key(s) {' '.join(missing)} in the JSON object"
                )
            # A JSON null is a missing value, not the text "None".
            texts = {k: "" if v is None else str(v) for k, v in value.items()}
            yield self._row(path, line_number, texts)

    def _required(self) -> tuple[str, ...]:
        return _TEXTS if self.ignore_gold else _REQUIRED

    def _row(self, path: str, line_number: int, values: dict[str, str]) -> NliRow:
        label: Optional[str] = values.get("gold_label", "").strip() or None
        label = _LABEL_ALIASES.get(label, label) if label is not None else None
        if not self.ignore_gold and label != NO_CONSENSUS:
            label = self.check_label(label or "", path, line_number)
        return NliRow(
            line_number=line_number,
            language=values.get("language", "").strip() or self._default_language,
            label=label,
            premise=values["sentence1"].strip(),
            hypothesis=values["sentence2"].strip(),
            pair_id=values.get("pairID"),
        )

    def text_to_instance(  # type: ignore[override]
        self, premise: str, hypothesis: str, label: Optional[str] = None
    ) -> Instance:
        """An instance of one premise/hypothesis pair."""
        if not premise.strip() or not hypothesis.strip():
            raise ValueError("premise and hypothesis must not be empty")
        if label is not None:
            label = self.check_label(_LABEL_ALIASES.get(label, label), "<input>", None)
        return self._pair_instance(
            premise.strip(),
            hypothesis.strip(),
            label,
            premise=premise.strip(),
            hypothesis=hypothesis.strip(),
        )
