"""`allennlp predict` for the parser: CoNLL-U or raw text in, CoNLL-U with HEAD and DEPREL out
(or JSON)."""

import json
from typing import Any, Optional

from allennlp.common.util import JsonDict
from allennlp.data import Instance
from allennlp.predictors import Predictor

from xlt_allennlp.common.predictors import FormattedPredictor, raw_json
from xlt_allennlp.data.conllu import raw_sentence_lines, write_conllu_sentence


@Predictor.register("transformer_biaffine_parser")
class TransformerBiaffineParserPredictor(FormattedPredictor):
    """Predictor for `transformer_biaffine_parser` models: CoNLL-U, JSON or raw text in.

    Registered as a `Predictor` with name "transformer_biaffine_parser". It is the model's
    default predictor; no spaCy model is needed.

    - CoNLL-U input (`--use-dataset-reader`): writes the file back with HEAD and DEPREL filled
      in; comment lines, multiword-token and empty-node lines and every other column are kept,
      one tree per input sentence, in order. The reader's `max_words` threshold is turned off,
      so every sentence gets a tree, whatever its length, and the gold HEAD/DEPREL columns are
      not read (they may be `_`, partial or anything). UPOS is read only for a Z+POS model, which
      needs it filled with tags it knows (otherwise an error names the file and line).
    - JSON lines: `{"words": [...], "pos": [...]}` (pre-tokenized; `pos` needed only by a Z+POS
      model) or `{"sentence": "..."}` (split on whitespace); writes `{"words", "pos",
      "predicted_heads", "predicted_dependencies"}` per line.
    - Raw text (`{"text": ...}` JSON lines, plain text lines, or a text file with
      `--use-dataset-reader` and `"input": "text"`; `FormattedPredictor`): one tree per detected
      sentence, CoNLL-U with `# sent_id`, `# text`, `SpaceAfter=No` and `TokenRange` (or one
      JSON line per sentence). A Z+POS parser cannot parse raw text (it needs gold UPOS).

    CoNLL-U output from JSON word input fills ID, FORM, UPOS (when given), HEAD and DEPREL. The
    options are set with `--predictor-args`.

    ```
    allennlp predict model.tar.gz de_test.conllu --use-dataset-reader --silent \\
        --output-file de_pred.conllu --include-package xlt_allennlp
    allennlp predict model.tar.gz zh.txt --output-file zh.conllu --include-package \\
        xlt_allennlp --predictor-args '{"language": "zh"}'
    ```

    # Parameters

    model : `Model`
        The trained model (`allennlp predict` loads it from the archive).
    dataset_reader : `DatasetReader`
        The archive's reader; the predictor reads with a copy of it set up for prediction (gold
        columns not read, every sentence kept).
    output_format : `str`, optional (default = `"auto"`)
        "auto", "conllu" or "json". "auto" writes the input's own format (CoNLL-U for raw text,
        JSON for JSON word input).
    input : `str`, optional (default = `"auto"`)
        How input lines are read: `"auto"` (a line starting with `{` is JSON, any other line raw
        text), `"json"` (every line JSON) or `"text"` (every line raw text; with
        `--use-dataset-reader`, the file is plain text read by the `raw_text` reader).
    language : `Optional[str]`, optional (default = `None`)
        The raw text's language (ISO 639-1/639-3 code: sentence splitter and word tokenizer);
        `None` guesses it from each text's script. A JSON input's own `"language"` wins.
    one_sentence_per_line : `bool`, optional (default = `False`)
        Raw text has one sentence per line: lines are not split into sentences.
    encoding : `str`, optional (default = `"utf-8"`)
        The encoding of a raw text file read with `--use-dataset-reader` and `"input": "text"`.
    """

    output_formats = ("auto", "conllu", "json")

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        words = self.json_words(json_dict)
        pos: Optional[list[str]] = None
        if json_dict.get("pos") is not None:
            pos = [str(tag) for tag in json_dict["pos"]]
            if len(pos) != len(words):
                raise ValueError(f"'pos' has {len(pos)} tags for {len(words)} words: {json_dict}")
        return self._dataset_reader.text_to_instance(words, pos)  # type: ignore[call-arg]

    def prepare(self, instances: list[Instance]) -> None:
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

    def word_prediction(self, metadata: dict[str, Any], output: JsonDict) -> JsonDict:
        result: JsonDict = {
            "words": metadata["words"],
            "pos": metadata.get("pos"),
            "predicted_heads": [int(head) for head in output["predicted_heads"]],
            "predicted_dependencies": output["predicted_dependencies"],
        }
        if "conllu" in metadata:
            result["conllu"] = metadata["conllu"]
        return result

    def dump_raw_sentence(self, outputs: JsonDict) -> str:
        heads = [int(head) for head in outputs["predicted_heads"]]
        relations = outputs["predicted_dependencies"]
        if self.raw_output_format() == "json":
            return raw_json(outputs["raw"], predicted_heads=heads, predicted_dependencies=relations)
        lines = raw_sentence_lines(outputs["raw"])
        return write_conllu_sentence(
            lines, {"HEAD": [str(head) for head in heads], "DEPREL": relations}
        )

    def dump_words(self, outputs: JsonDict) -> str:
        output_format = self.output_format_for(outputs, ("conllu",))
        if output_format == "json":
            keys = ("words", "pos", "predicted_heads", "predicted_dependencies")
            return json.dumps({key: outputs[key] for key in keys}, ensure_ascii=False) + "\n"
        words = outputs["words"]
        tags = outputs["pos"] or ["_"] * len(words)
        lines = outputs.get("conllu") or [
            f"{index}\t{word}\t_\t{tag}\t_\t_\t_\t_\t_\t_"
            for index, (word, tag) in enumerate(zip(words, tags, strict=True), start=1)
        ]
        heads = [str(head) for head in outputs["predicted_heads"]]
        return write_conllu_sentence(
            lines, {"HEAD": heads, "DEPREL": outputs["predicted_dependencies"]}
        )
