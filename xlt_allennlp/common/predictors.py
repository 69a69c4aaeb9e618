"""What the package's predictors share: the reader set up for prediction, an `output_format`
choice and JSON word input."""

import copy
import logging
from typing import Any

from allennlp.common.util import JsonDict
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

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


class FormattedPredictor(Predictor):
    """Base of the word-level predictors (not registered itself).

    `output_format` (one of `output_formats`; "auto", the default, writes the input's own
    format), set with `--predictor-args '{"output_format": "json"}'`. JSON-lines input gives
    words as `{"words": [...]}` (pre-tokenized) or `{"sentence": "..."}` (split on whitespace).
    Predictions are made in batches and returned one per input, in order; the reader is a
    copy set up for prediction (`prediction_reader`: gold columns are not read).
    """

    output_formats: tuple[str, ...] = ("auto", "json")

    def __init__(
        self, model: Model, dataset_reader: DatasetReader, output_format: str = "auto"
    ) -> None:
        super().__init__(model, prediction_reader(dataset_reader))
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

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def predict_batch_instance(self, instances: list[Instance]) -> list[JsonDict]:
        outputs = super().predict_batch_instance(instances)
        return [
            self.prediction(instance["metadata"].metadata, output)  # type: ignore[attr-defined]
            for instance, output in zip(instances, outputs, strict=True)
        ]

    def prediction(self, metadata: dict[str, Any], output: JsonDict) -> JsonDict:
        """One input's result (what `dump_line` writes) from its metadata and model output."""
        raise NotImplementedError
