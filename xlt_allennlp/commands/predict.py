"""`allennlp predict` that never leaves output that looks complete when it stops on bad input."""

import argparse
import json
import logging
import os
from collections.abc import Iterator
from typing import Any, Optional

from allennlp.commands.predict import Predict, _get_predictor, _PredictManager
from allennlp.commands.subcommand import Subcommand
from allennlp.common import logging as common_logging
from allennlp.common.file_utils import cached_path, open_compressed
from allennlp.common.util import JsonDict
from allennlp.predictors import Predictor

from xlt_allennlp.data.errors import DataFormatError

logger = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"


@Subcommand.register("predict", exist_ok=True)
class AtomicPredict(Predict):
    """allennlp's `predict` (same arguments), registered under its name.

    Two changes: the predictions are written to `OUTPUT.partial` and renamed to `--output-file`
    only when every input was predicted, so an output file is always complete (after a failure
    the `.partial` file holds the predictions made before it, and the log says so); and a
    JSON-lines input line that is not valid JSON, or that the predictor cannot read, is reported
    as `DataFormatError` naming the file and line.
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        subparser = super().add_subparser(parser)
        subparser.set_defaults(func=_predict)
        return subparser


class _AtomicPredictManager(_PredictManager):
    def __init__(
        self,
        predictor: Predictor,
        input_file: str,
        output_file: Optional[str],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        partial = None if output_file is None else output_file + PARTIAL_SUFFIX
        super().__init__(predictor, input_file, partial, *args, **kwargs)
        self._final_output = output_file
        self._partial_output = partial
        self._line_numbers: dict[int, int] = {}  # id of a JSON input -> its line

    def _get_json_data(self) -> Iterator[JsonDict]:
        if self._input_file == "-":
            yield from super()._get_json_data()
            return
        with open_compressed(cached_path(self._input_file)) as lines:
            for line_number, line in enumerate(lines, start=1):
                if line.isspace():
                    continue
                try:
                    json_dict = self._predictor.load_line(line)
                except json.JSONDecodeError as error:
                    raise DataFormatError(
                        self._input_file, line_number, f"not valid JSON: {error}"
                    ) from None
                self._line_numbers[id(json_dict)] = line_number
                yield json_dict

    def _predict_json(self, batch_data: list[JsonDict]) -> Iterator[str]:
        lines = [self._line_numbers.pop(id(json_dict), None) for json_dict in batch_data]
        try:
            yield from super()._predict_json(batch_data)
        except (ValueError, KeyError, TypeError) as error:
            # Which input the predictor could not read (only looked for on failure).
            for json_dict, line_number in zip(batch_data, lines, strict=True):
                try:
                    self._predictor._json_to_instance(json_dict)
                except (ValueError, KeyError, TypeError) as bad_input:
                    raise DataFormatError(self._input_file, line_number, str(bad_input)) from None
            raise error

    def run(self) -> None:
        try:
            super().run()
        except BaseException:
            if self._output_file is not None:
                self._output_file.close()
                logger.error(
                    "Prediction stopped: the predictions made so far are in %s; %s was not "
                    "written.",
                    self._partial_output,
                    self._final_output,
                )
            raise
        if self._partial_output is not None and self._final_output is not None:
            os.replace(self._partial_output, self._final_output)


def _predict(args: argparse.Namespace) -> None:
    """allennlp's `_predict`, with the manager above."""
    common_logging.FILE_FRIENDLY_LOGGING = args.file_friendly_logging
    predictor = _get_predictor(args)
    if args.silent and not args.output_file:
        print("--silent specified without --output-file.")
        print("Exiting early because no output will be created.")
        return
    _AtomicPredictManager(
        predictor,
        args.input_file,
        args.output_file,
        args.batch_size,
        not args.silent,
        args.use_dataset_reader,
        args.multitask_head,
    ).run()
