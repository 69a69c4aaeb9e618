"""What the package's predictors share: the reader set up for prediction, whole-file prediction
before the first output line, JSON-lines errors that name the input, an `output_format` choice
and JSON word input."""

import copy
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, Optional, TypeVar

from allennlp.common import Tqdm
from allennlp.common.util import JsonDict, sanitize
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from xlt_allennlp.data.errors import JsonInputError
from xlt_allennlp.data.raw_text import RawTextReader

logger = logging.getLogger(__name__)
T = TypeVar("T")


def prediction_reader(reader: DatasetReader) -> DatasetReader:
    """A copy of `reader` set up for prediction, used by every predictor of the package: gold
    annotation is not read (`ignore_gold`: a missing, partial or foreign-tag-set gold column
    does not stop prediction) and no sentence is skipped for its length (`max_words`), so there
    is one output per input. The archive's own reader is left as it is (evaluation validates
    gold)."""
    reader = copy.copy(reader)
    if hasattr(reader, "ignore_gold"):
        reader.ignore_gold = True  # type: ignore[attr-defined]
    if getattr(reader, "max_words", None) is not None:
        logger.info("Prediction keeps every sentence (reader max_words turned off).")
        reader.max_words = None  # type: ignore[attr-defined]
    return reader


class WholeFilePredictor(Predictor):
    """Base of every predictor of the package (not registered itself).

    - Its reader is `prediction_reader(dataset_reader)`: gold columns are not read.
    - **File input** (`allennlp predict ... --use-dataset-reader`): allennlp's `predict` writes
      each batch as soon as it is predicted. This predictor's reader reads (and so checks) the
      whole file before the first instance goes out, and the first prediction request makes
      every prediction of the file (in batches of the request's size, with a progress bar), so
      allennlp writes the first line only after the last prediction was made. Bad input stops
      with `path:line:` and a failure while predicting stops before anything is written. This
      lives in the predictor, not in a replacement of allennlp's `predict` command, because
      allennlp builds its command line before it imports plugins: a plugin cannot change what
      `allennlp predict` runs.
    - **JSON lines** (without `--use-dataset-reader`): allennlp reads and writes them batch by
      batch (the predictor never sees the file); an input that is not a JSON object, or that
      lacks the keys the predictor needs, stops with `JsonInputError` naming the input's number
      and quoting it.

    Subclasses implement `prediction` (one input's result from the instance and the model's
    output) and may implement `prepare` (changes to instances before the forward pass).
    """

    def __init__(self, model: Model, dataset_reader: DatasetReader) -> None:
        super().__init__(model, prediction_reader(dataset_reader))
        self._read_file = self._dataset_reader.read
        # The reader copy is this predictor's own: its `read` becomes the whole-file read.
        self._dataset_reader.read = self._read_whole_file  # type: ignore[method-assign]
        self._to_predict: dict[int, Instance] = {}  # read ahead, not predicted yet
        self._predicted: dict[int, tuple[Instance, JsonDict]] = {}  # predicted, not asked for
        self._json_inputs = 0
        self._json_numbers: dict[int, tuple[JsonDict, int]] = {}

    # File input: read everything, then predict everything on the first request.

    def _read_whole_file(self, file_path: Any, **kwargs: Any) -> Iterator[Instance]:
        instances = list(self._read_file(file_path, **kwargs))
        self._to_predict = {id(instance): instance for instance in instances}
        self._predicted = {}
        yield from instances

    def _predict_read_ahead(self, batch_size: int) -> None:
        instances = list(self._to_predict.values())
        self._to_predict = {}
        starts = range(0, len(instances), max(1, batch_size))
        for start in Tqdm.tqdm(starts, desc="predicting", total=len(starts)):
            batch = instances[start : start + batch_size]
            for instance, output in zip(batch, self.predict_now(batch), strict=True):
                self._predicted[id(instance)] = (instance, output)

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def predict_batch_instance(self, instances: list[Instance]) -> list[JsonDict]:
        if instances and self._to_predict.get(id(instances[0])) is instances[0]:
            self._predict_read_ahead(batch_size=len(instances))
        stored = [self._predicted.get(id(instance), (None, None)) for instance in instances]
        if any(item[0] is not instance for item, instance in zip(stored, instances, strict=True)):
            return self.predict_now(instances)
        for instance in instances:
            del self._predicted[id(instance)]
        return [output for _, output in stored]

    def predict_now(self, instances: list[Instance]) -> list[JsonDict]:
        """The predictions of `instances`, from one forward pass."""
        self.prepare(instances)
        for instance in instances:
            self._dataset_reader.apply_token_indexers(instance)
        outputs = sanitize(self._model.forward_on_instances(instances))
        return self.predictions_from_outputs(instances, outputs)

    def predictions_from_outputs(
        self, instances: list[Instance], outputs: list[JsonDict]
    ) -> list[JsonDict]:
        """What `dump_line` writes for each instance, from the model's (sanitized) outputs:
        also used by `evaluate-languages --predictions-dir`, whose forward pass keeps the gold
        fields for the metrics."""
        return [
            self.prediction(instance, output)
            for instance, output in zip(instances, outputs, strict=True)
        ]

    def prepare(self, instances: list[Instance]) -> None:
        """Changes instances need before a prediction forward pass (none by default)."""

    def prediction(self, instance: Instance, output: JsonDict) -> JsonDict:
        """One input's result (what `dump_line` writes) from its instance and model output."""
        raise NotImplementedError

    # JSON lines: errors that name the input.

    def load_line(self, line: str) -> JsonDict:
        self._json_inputs += 1
        try:
            json_dict = json.loads(line)
        except json.JSONDecodeError as error:
            raise JsonInputError(
                self._json_inputs, line, f"not valid JSON ({error.msg}, column {error.colno})"
            ) from None
        if not isinstance(json_dict, dict):
            raise JsonInputError(self._json_inputs, line, "expected a JSON object")
        self._json_numbers[id(json_dict)] = (json_dict, self._json_inputs)
        return json_dict

    def _batch_json_to_instances(self, json_dicts: list[JsonDict]) -> list[Instance]:
        return [self.from_json_input(json_dict, self._json_to_instance) for json_dict in json_dicts]

    def json_input_number(self, json_dict: JsonDict) -> Optional[int]:
        """The number of a JSON input read by `load_line` (its place among the file's non-blank
        lines), or None for an input given in-process."""
        known = self._json_numbers.get(id(json_dict))
        return known[1] if known is not None and known[0] is json_dict else None

    def from_json_input(self, json_dict: JsonDict, make: Callable[[JsonDict], T]) -> T:
        """`make(json_dict)`, with its `ValueError`, `KeyError` or `TypeError` turned into a
        `JsonInputError` naming the input's number and quoting it."""
        number = self.json_input_number(json_dict)
        try:
            return make(json_dict)
        except (ValueError, KeyError, TypeError) as error:
            if number is None:
                raise
            quoted = json.dumps(json_dict, ensure_ascii=False)
            raise JsonInputError(number, quoted, str(error)) from None
        finally:
            self._json_numbers.pop(id(json_dict), None)

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.predict_batch_json([inputs])[0]


class FormattedPredictor(WholeFilePredictor):
    """Base of the word-level predictors (not registered itself): the tagger's and the parser's.

    Input (docs/raw-text.md):
    - JSON lines (without `--use-dataset-reader`): `{"words": [...]}` (pre-tokenized),
      `{"sentence": "..."}` (split on whitespace), or `{"text": "..."}`: raw text, split into
      sentences and words (`xlt_allennlp.data.raw_text`), optionally with its own
      `"language"`. A line that does not start with `{` is raw text too (so a plain text file is
      predicted line by line); `input` "json" makes every line JSON, "text" every line text.
    - Files (`--use-dataset-reader`): the archive reader's format (CoNLL-U, CoNLL), or with
      `input` "text" a plain text file: paragraphs separated by blank lines (the `raw_text`
      reader wraps the archive's reader).

    Raw text gives one output block per detected sentence: CoNLL-U by default (`# sent_id`,
    `# text`, `SpaceAfter=No` and `TokenRange` in MISC), in input order.

    ```
    allennlp predict model.tar.gz text.txt --output-file out.conllu \\
        --predictor-args '{"language": "de"}' --include-package xlt_allennlp
    ```

    # Parameters

    output_format : `str`, optional (default = `"auto"`)
        One of `output_formats`; "auto" writes the input's own format (CoNLL-U for raw text,
        JSON for JSON word input).
    input : `str`, optional (default = `"auto"`)
        "auto", "json" or "text" (above).
    language : `Optional[str]`, optional (default = `None`)
        The raw text's language (ISO 639-1/639-3 code: sentence splitter and word tokenizer);
        `None` guesses it from each text's script.
    one_sentence_per_line : `bool`, optional (default = `False`)
        Raw text has one sentence per line: lines are not split into sentences.
    encoding : `str`, optional (default = `"utf-8"`)
        The encoding of a raw text file read with `--use-dataset-reader`.
    """

    output_formats: tuple[str, ...] = ("auto", "json")
    input_modes = ("auto", "json", "text")

    def __init__(
        self,
        model: Model,
        dataset_reader: DatasetReader,
        output_format: str = "auto",
        input: str = "auto",
        language: Optional[str] = None,
        one_sentence_per_line: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        super().__init__(model, dataset_reader)
        if output_format not in self.output_formats:
            raise ValueError(
                f"output_format must be one of {self.output_formats}, not {output_format!r}"
            )
        if input not in self.input_modes:
            raise ValueError(f"input must be one of {self.input_modes}, not {input!r}")
        self._output_format = output_format
        self._input = input
        self._raw_reader = RawTextReader(
            self._dataset_reader, language, one_sentence_per_line, encoding
        )
        self._segmenter = self._raw_reader.segmenter()
        if input == "text":  # `--use-dataset-reader` reads a plain text file
            self._read_file = self._raw_reader.read

    @staticmethod
    def json_words(json_dict: JsonDict) -> list[str]:
        """The words of a JSON input: `words` as given, or `sentence` split on whitespace."""
        if "words" in json_dict:
            return [str(word) for word in json_dict["words"]]
        if "sentence" in json_dict:
            return str(json_dict["sentence"]).split()
        raise ValueError(
            'each JSON input needs "words" (a list of tokens), "sentence" (a string split on '
            f'whitespace) or "text" (raw text), got keys {sorted(json_dict)}'
        )

    # Raw text in JSON lines (and plain text lines).

    def load_line(self, line: str) -> JsonDict:
        if self._input == "text" or (self._input == "auto" and not line.lstrip().startswith("{")):
            self._json_inputs += 1
            json_dict: JsonDict = {"text": line.rstrip("\r\n")}
            self._json_numbers[id(json_dict)] = (json_dict, self._json_inputs)
            return json_dict
        return super().load_line(line)

    @staticmethod
    def is_raw_text(json_dict: JsonDict) -> bool:
        """A JSON input of raw text (`text`, and neither `words` nor `sentence`)."""
        return "text" in json_dict and "words" not in json_dict and "sentence" not in json_dict

    def raw_instances(self, json_dict: JsonDict) -> list[Instance]:
        """One instance per detected sentence of a raw-text JSON input."""
        text, language = json_dict["text"], json_dict.get("language")
        if not isinstance(text, str) or not (language is None or isinstance(language, str)):
            raise ValueError('"text" (and "language", when given) must be strings')
        sentences = self._segmenter.segment(
            text, input_number=self.json_input_number(json_dict), language=language
        )
        if not sentences:
            raise ValueError('"text" holds no word (it is empty or only whitespace)')
        return [self._raw_reader.sentence_instance(sentence) for sentence in sentences]

    def predict_batch_json(self, inputs: list[JsonDict]) -> list[JsonDict]:
        if not any(self.is_raw_text(json_dict) for json_dict in inputs):
            return super().predict_batch_json(inputs)
        groups = [
            self.from_json_input(
                json_dict,
                self.raw_instances
                if self.is_raw_text(json_dict)
                else lambda words: [self._json_to_instance(words)],
            )
            for json_dict in inputs
        ]
        instances = [instance for group in groups for instance in group]
        outputs: list[JsonDict] = []
        for start in range(0, len(instances), len(inputs)):  # --batch-size sentences at once
            outputs += self.predict_now(instances[start : start + len(inputs)])
        results: list[JsonDict] = []
        for json_dict, group in zip(inputs, groups, strict=True):
            mine, outputs = outputs[: len(group)], outputs[len(group) :]
            results.append({"raw_sentences": mine} if self.is_raw_text(json_dict) else mine[0])
        return results

    # Output.

    def output_format_for(self, outputs: JsonDict, input_formats: tuple[str, ...]) -> str:
        """The format to write: the chosen one, or for "auto" the first of `input_formats`
        present in `outputs` (i.e. read from such a file), else JSON."""
        if self._output_format != "auto":
            return self._output_format
        return next((name for name in input_formats if name in outputs), "json")

    def dump_line(self, outputs: JsonDict) -> str:
        if "raw_sentences" in outputs:  # a raw-text JSON input: one block per sentence
            return "".join(self.dump_raw_sentence(output) for output in outputs["raw_sentences"])
        if "raw" in outputs:  # a sentence of a raw text file
            return self.dump_raw_sentence(outputs)
        return self.dump_words(outputs)

    def raw_output_format(self) -> str:
        """The format raw-text input is written in ("auto": CoNLL-U)."""
        return "conllu" if self._output_format == "auto" else self._output_format

    def dump_raw_sentence(self, outputs: JsonDict) -> str:
        """What is written for one sentence of raw text (`outputs["raw"]`: `RawSentence`)."""
        raise NotImplementedError

    def dump_words(self, outputs: JsonDict) -> str:
        """What is written for one input of words (a CoNLL-U or CoNLL sentence, a JSON line)."""
        raise NotImplementedError

    def prediction(self, instance: Instance, output: JsonDict) -> JsonDict:
        metadata = instance["metadata"].metadata  # type: ignore[attr-defined]
        result = self.word_prediction(metadata, output)
        if "raw" in metadata:
            result["raw"] = metadata["raw"]
        return result

    def word_prediction(self, metadata: dict[str, Any], output: JsonDict) -> JsonDict:
        """One input's result (what `dump_line` writes) from its metadata and model output."""
        raise NotImplementedError


def raw_json(raw: JsonDict, **predicted: Any) -> str:
    """The JSON line of one raw-text sentence: its `sent_id`, input number (JSON input), `text`,
    `start`/`end` in the input, words with their offsets, and the `predicted` fields."""
    result = {
        "sent_id": raw["sent_id"],
        **({"input": raw["input_number"]} if raw.get("input_number") is not None else {}),
        "text": raw["text"],
        "start": raw["start"],
        "end": raw["start"] + len(raw["source"]),
        "words": raw["words"],
        "offsets": [list(offset) for offset in raw["offsets"]],
        **predicted,
    }
    return json.dumps(result, ensure_ascii=False) + "\n"
