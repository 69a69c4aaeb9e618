"""`allennlp predict` for word taggers: CoNLL-U / CoNLL in, the same format (or JSON) out."""

import json
from typing import Any

from allennlp.common.util import JsonDict
from allennlp.data import Instance
from allennlp.predictors import Predictor

from xlt_allennlp.common.predictors import FormattedPredictor
from xlt_allennlp.data.conllu import write_conllu_sentence


@Predictor.register("first_subword_tagger")
class FirstSubwordTaggerPredictor(FormattedPredictor):
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

    output_formats = ("auto", "conllu", "conll", "json")

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        return self._dataset_reader.text_to_instance(self.json_words(json_dict))  # type: ignore[call-arg]

    def word_prediction(self, metadata: dict[str, Any], output: JsonDict) -> JsonDict:
        result: JsonDict = {"words": metadata["words"], "tags": output["tags"]}
        for key in ("conllu", "tag_column", "conll", "prefix_lines"):
            if key in metadata:
                result[key] = metadata[key]
        return result

    def dump_line(self, outputs: JsonDict) -> str:
        output_format = self.output_format_for(outputs, ("conllu", "conll"))
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
        column = outputs["tag_column"].upper()
        return write_conllu_sentence(outputs["conllu"], {column: outputs["tags"]})
