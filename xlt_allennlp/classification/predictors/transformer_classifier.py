"""`allennlp predict` for text (pair) classifiers: one JSON line per input, in order."""

import json

from allennlp.common.util import JsonDict
from allennlp.data import Instance
from allennlp.predictors import Predictor

from xlt_allennlp.common.predictors import WholeFilePredictor

# Metadata of file input (read with --use-dataset-reader) copied to each prediction.
_ECHOED = ("line", "language", "pair_id", "gold_label")


@Predictor.register("transformer_classifier")
class TransformerClassifierPredictor(WholeFilePredictor):
    """Predictor for `transformer_classifier` models: one JSON line per input, in input order.

    Registered as a `Predictor` with name "transformer_classifier". It is the model's default
    predictor. Input: with `--use-dataset-reader`, a data file the model's reader reads (MLDoc
    `LABEL<TAB>text`, XNLI/MultiNLI TSV or JSON lines); otherwise JSON lines with the keys the
    reader needs: `{"text": ...}` for `mldoc` (split into sentences, the first two used),
    `{"premise": ..., "hypothesis": ...}` for `xnli`. Output: one JSON line per input, in input
    order: `{"label": ..., "probabilities": {label: probability, ...}}`, plus, for file input,
    the input's `line`, `gold_label` (when the file has one) and (XNLI) `language` and `pair_id`.
    Gold labels are not needed: a file without them (MLDoc lines of text only, XNLI without a
    label column) or with labels the model does not know is predicted, every row (XNLI's `-` rows
    included).

    ```
    allennlp predict xnli/model.tar.gz xnli.test.tsv --use-dataset-reader \\
        --output-file predictions.jsonl --include-package xlt_allennlp
    ```

    # Parameters

    model : `Model`
        The trained model (`allennlp predict` loads it from the archive).
    dataset_reader : `DatasetReader`
        The archive's reader; the predictor reads with a copy of it set up for prediction (labels
        neither needed nor checked).
    """

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        keys: tuple[str, ...] = getattr(self._dataset_reader, "json_keys", ())
        missing = [key for key in keys if not isinstance(json_dict.get(key), str)]
        if not keys or missing:
            raise ValueError(
                f"each JSON input of this model needs the string key(s) {list(keys)}; "
                f"got keys {sorted(json_dict)}"
            )
        return self._dataset_reader.text_to_instance(  # type: ignore[call-arg]
            **{key: json_dict[key] for key in keys}
        )

    def prediction(self, instance: Instance, output: JsonDict) -> JsonDict:
        result: JsonDict = {"label": output["label"], "probabilities": output["probabilities"]}
        if "metadata" in instance:
            metadata = instance["metadata"].metadata  # type: ignore[attr-defined]
            result.update({key: metadata[key] for key in _ECHOED if key in metadata})
        return result

    def dump_line(self, outputs: JsonDict) -> str:
        return json.dumps(outputs, ensure_ascii=False) + "\n"
