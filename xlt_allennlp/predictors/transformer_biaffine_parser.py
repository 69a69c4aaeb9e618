"""`allennlp predict` for the parser: CoNLL-U in, CoNLL-U with HEAD and DEPREL out (or JSON)."""

import json
import logging
from typing import Optional

from allennlp.common.util import JsonDict
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from xlt_allennlp.data.conllu import replace_column

logger = logging.getLogger(__name__)

OUTPUT_FORMATS = ("auto", "conllu", "json")


@Predictor.register("transformer_biaffine_parser")
class TransformerBiaffineParserPredictor(Predictor):
    """Predictor for `transformer_biaffine_parser` models (no spaCy model needed).

    Registered as `"transformer_biaffine_parser"` (the model's default predictor).

    - CoNLL-U input (`--use-dataset-reader`): writes the file back with HEAD and DEPREL filled
      in; comment lines, multiword-token and empty-node lines and every other column are kept,
      one tree per input sentence, in order. The reader's `max_words` threshold is turned off,
      so every sentence gets a tree, whatever its length.
    - JSON lines: `{"words": [...], "pos": [...]}` (pre-tokenized; `pos` needed only by a Z+POS
      model) or `{"sentence": "..."}` (split on whitespace); writes `{"words", "pos",
      "predicted_heads", "predicted_dependencies"}` per line.

    `output_format` ("auto" | "conllu" | "json"), set with `--predictor-args`, chooses the
    output; "auto" writes the input's format. CoNLL-U output from JSON input fills ID, FORM,
    UPOS (when given), HEAD and DEPREL.

    ```
    allennlp predict model.tar.gz de_test.conllu --use-dataset-reader --silent \\
        --output-file de_pred.conllu --include-package xlt_allennlp
    ```
    """

    def __init__(
        self, model: Model, dataset_reader: DatasetReader, output_format: str = "auto"
    ) -> None:
        super().__init__(model, dataset_reader)
        if output_format not in OUTPUT_FORMATS:
            raise ValueError(
                f"output_format must be one of {OUTPUT_FORMATS}, not {output_format!r}"
            )
        self._output_format = output_format
        if getattr(dataset_reader, "max_words", None) is not None:
            logger.info("Prediction keeps every sentence (reader max_words turned off).")
            dataset_reader.max_words = None  # type: ignore[attr-defined]

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        if "words" in json_dict:
            words = [str(word) for word in json_dict["words"]]
        elif "sentence" in json_dict:
            words = str(json_dict["sentence"]).split()
        else:
            raise ValueError(
                'each JSON input needs "words" (a list of tokens) or "sentence" (a string), '
                f"got keys {sorted(json_dict)}"
            )
        pos: Optional[list[str]] = None
        if json_dict.get("pos") is not None:
            pos = [str(tag) for tag in json_dict["pos"]]
            if len(pos) != len(words):
                raise ValueError(f"'pos' has {len(pos)} tags for {len(words)} words: {json_dict}")
        return self._dataset_reader.text_to_instance(words, pos)  # type: ignore[call-arg]

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def predict_batch_instance(self, instances: list[Instance]) -> list[JsonDict]:
        # Gold trees are not needed to predict, and UPOS only by a Z+POS model: dropping them
        # lets inputs with and without these columns share a batch.
        uses_pos = getattr(self._model, "_pos_tag_embedding", None) is not None
        for instance in instances:
            for name in ("head_indices", "head_tags"):
                instance.fields.pop(name, None)
            if not uses_pos:
                instance.fields.pop("pos_tags", None)
            elif "pos_tags" not in instance.fields:
                words = instance["metadata"].metadata["words"]  # type: ignore[attr-defined]
                raise ValueError(
                    "this parser embeds gold UPOS tags (Z+POS): every input needs them (a "
                    f"filled UPOS column or a 'pos' list); missing for {' '.join(words[:10])!r}"
                )
        outputs = super().predict_batch_instance(instances)
        results = []
        for instance, output in zip(instances, outputs, strict=True):
            metadata = instance["metadata"].metadata  # type: ignore[attr-defined]
            result: JsonDict = {
                "words": metadata["words"],
                "pos": metadata.get("pos"),
                "predicted_heads": [int(head) for head in output["predicted_heads"]],
                "predicted_dependencies": output["predicted_dependencies"],
            }
            if "conllu" in metadata:
                result["conllu"] = metadata["conllu"]
            results.append(result)
        return results

    def dump_line(self, outputs: JsonDict) -> str:
        output_format = self._output_format
        if output_format == "auto":
            output_format = "conllu" if "conllu" in outputs else "json"
        if output_format == "json":
            keys = ("words", "pos", "predicted_heads", "predicted_dependencies")
            return json.dumps({key: outputs[key] for key in keys}, ensure_ascii=False) + "\n"
        words = outputs["words"]
        tags = outputs["pos"] or ["_"] * len(words)
        lines = outputs.get("conllu") or [
            f"{index}\t{word}\t_\t{tag}\t_\t_\t_\t_\t_\t_"
            for index, (word, tag) in enumerate(zip(words, tags, strict=True), start=1)
        ]
        return write_parsed_conllu(
            lines, outputs["predicted_heads"], outputs["predicted_dependencies"]
        )


def write_parsed_conllu(lines: list[str], heads: list[int], relations: list[str]) -> str:
    """The sentence's CoNLL-U lines with HEAD and DEPREL of the word lines replaced."""
    arcs = iter(zip(heads, relations, strict=True))
    out = []
    for line in lines:
        first = line.split("\t", 1)[0]
        if not line.startswith("#") and first.isdigit():
            head, relation = next(arcs)
            line = replace_column(replace_column(line, "HEAD", str(head)), "DEPREL", relation)
        out.append(line)
    return "\n".join(out) + "\n\n"
