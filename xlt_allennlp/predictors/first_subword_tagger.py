"""`allennlp predict` for word taggers: CoNLL-U / CoNLL in, the same format (or JSON) out."""

import json

from allennlp.common.util import JsonDict
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from xlt_allennlp.data.conllu import replace_column

OUTPUT_FORMATS = ("auto", "conllu", "conll", "json")


@Predictor.register("first_subword_tagger")
class FirstSubwordTaggerPredictor(Predictor):
    """Predictor for `first_subword_tagger` models.

    Registered as `"first_subword_tagger"` (the model's default predictor). With
    `--use-dataset-reader` on a CoNLL-U file it writes the same file back with the predicted tag
    in the UPOS (or XPOS) column: comments, multiword-token and empty-node lines and all other
    columns are kept, one output sentence per input sentence, in order. On a CoNLL NER file it
    writes every input line with the predicted tag appended as a last column (conlleval-ready:
    gold tag second to last), `-DOCSTART-` lines kept, one line per input token, in order.
    JSON-lines input takes
    `{"words": [...]}` (pre-tokenized) or `{"sentence": "..."}` (split on whitespace) and writes
    `{"words": [...], "tags": [...]}`. No spaCy model is needed.

    `output_format` ("auto" | "conllu" | "conll" | "json") is set with
    `--predictor-args '{"output_format": "json"}'`; "auto" writes the input's own format.
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
        return self._dataset_reader.text_to_instance(words)  # type: ignore[call-arg]

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def predict_batch_instance(self, instances: list[Instance]) -> list[JsonDict]:
        outputs = super().predict_batch_instance(instances)
        results = []
        for instance, output in zip(instances, outputs, strict=True):
            metadata = instance["metadata"].metadata  # type: ignore[attr-defined]
            result: JsonDict = {"words": metadata["words"], "tags": output["tags"]}
            for key in ("conllu", "tag_column", "conll", "prefix_lines"):
                if key in metadata:
                    result[key] = metadata[key]
            results.append(result)
        return results

    def dump_line(self, outputs: JsonDict) -> str:
        output_format = self._output_format
        if output_format == "auto":
            input_format = [key for key in ("conllu", "conll") if key in outputs]
            output_format = input_format[0] if input_format else "json"
        if output_format == "json":
            return json.dumps({"words": outputs["words"], "tags": outputs["tags"]}) + "\n"
        if output_format not in outputs:
            raise ValueError(
                f"output_format {output_format!r} needs {output_format} input read with "
                "--use-dataset-reader"
            )
        if output_format == "conll":
            lines = outputs["prefix_lines"] + [
                f"{line} {tag}" for line, tag in zip(outputs["conll"], outputs["tags"], strict=True)
            ]
            return "\n".join(lines) + "\n\n"
        return write_tagged_conllu(outputs["conllu"], outputs["tags"], outputs["tag_column"])


def write_tagged_conllu(lines: list[str], tags: list[str], tag_column: str) -> str:
    """The sentence's CoNLL-U lines with the word lines' `tag_column` replaced by `tags`."""
    column = tag_column.upper()
    tag_iter = iter(tags)
    out = []
    for line in lines:
        first = line.split("\t", 1)[0]
        if not line.startswith("#") and first.isdigit():
            line = replace_column(line, column, next(tag_iter))
        out.append(line)
    return "\n".join(out) + "\n\n"
