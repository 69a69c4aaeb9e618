"""What the package's predictors share: the reader set up for prediction, whole-file prediction
before the first output line, JSON-lines errors that name the input, an `output_format` choice
and JSON word input."""

import copy
import json
import logging
from collections.abc import Iterator
from typing import Any

from allennlp.common import Tqdm
from allennlp.common.util import JsonDict, sanitize
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from xlt_allennlp.data.errors import JsonInputError

logger = logging.getLogger(__name__)


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
        instances = []
        for json_dict in json_dicts:
            known = self._json_numbers.pop(id(json_dict), None)
            try:
                instances.append(self._json_to_instance(json_dict))
            except (ValueError, KeyError, TypeError) as error:
                if known is None or known[0] is not json_dict:
                    raise
                raise JsonInputError(known[1], json.dumps(json_dict), str(error)) from None
        return instances

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.predict_batch_json([inputs])[0]


class FormattedPredictor(WholeFilePredictor):
    """Base of the word-level predictors (not registered itself).

    `output_format` (one of `output_formats`; "auto", the default, writes the input's own
    format), set with `--predictor-args '{"output_format": "json"}'`. JSON-lines input gives
    words as `{"words": [...]}` (pre-tokenized) or `{"sentence": "..."}` (split on whitespace).
    """

    output_formats: tuple[str, ...] = ("auto", "json")

    def __init__(
        self, model: Model, dataset_reader: DatasetReader, output_format: str = "auto"
    ) -> None:
        super().__init__(model, dataset_reader)
        if output_format not in self.output_formats:
            raise ValueError(
                f"output_format must be one of {self.output_formats}, not {output_format!r}"
            )
        self._output_format = output_format

    @staticmethod
    def json_words(json_dict: JsonDict) -> list[str]:
        """The words of a JSON input: `words` as given, or `sentence` split on whitespace."""
        if "words" in json_dict:
            return [str(word) for word in json_dict["words"]]
        if "sentence" in json_dict:
            return str(json_dict["sentence"]).split()
        raise ValueError(
            'each JSON input needs "words" (a list of tokens) or "sentence" (a string), '
            f"got keys {sorted(json_dict)}"
        )

    def output_format_for(self, outputs: JsonDict, input_formats: tuple[str, ...]) -> str:
        """The format to write: the chosen one, or for "auto" the first of `input_formats`
        present in `outputs` (i.e. read from such a file), else JSON."""
        if self._output_format != "auto":
            return self._output_format
        return next((name for name in input_formats if name in outputs), "json")

    def prediction(self, instance: Instance, output: JsonDict) -> JsonDict:
        return self.word_prediction(instance["metadata"].metadata, output)  # type: ignore[attr-defined]

    def word_prediction(self, metadata: dict[str, Any], output: JsonDict) -> JsonDict:
        """One input's result (what `dump_line` writes) from its metadata and model output."""
        raise NotImplementedError
