"""`allennlp predict` for word taggers: CoNLL-U / CoNLL / raw text in; CoNLL-U, CoNLL or JSON
(entity spans for NER) out."""

import json
from typing import Any

from allennlp.common.util import JsonDict
from allennlp.data import Instance
from allennlp.predictors import Predictor

from xlt_allennlp.common.predictors import FormattedPredictor, raw_json
from xlt_allennlp.data.conllu import misc_with, raw_sentence_lines, write_conllu_sentence
from xlt_allennlp.tagging.bio import bio_spans, to_valid_bio
from xlt_allennlp.tagging.dataset_readers.conll_ner import ConllNerReader


@Predictor.register("first_subword_tagger")
class FirstSubwordTaggerPredictor(FormattedPredictor):
    """Predictor for `first_subword_tagger` models: CoNLL-U, CoNLL NER, JSON or raw text in.

    Registered as a `Predictor` with name "first_subword_tagger". It is the model's default
    predictor. With `--use-dataset-reader` on a CoNLL-U file it writes the same file back with the
    predicted tag in the UPOS (or XPOS) column: comments, multiword-token and empty-node lines and
    all other columns are kept, one output sentence per input sentence, in order. On a CoNLL NER
    file it writes every input line with the predicted tag appended as a last column
    (conlleval-ready: gold tag second to last), `-DOCSTART-` lines kept, one line per input token,
    in order. JSON-lines input takes `{"words": [...]}` (pre-tokenized) or `{"sentence": "..."}`
    (split on whitespace) and writes `{"words": [...], "tags": [...]}`. No spaCy model is needed.

    Raw text (`{"text": ...}` JSON lines, plain text lines, or a text file with
    `--use-dataset-reader` and `"input": "text"`; `FormattedPredictor`) gives one block per
    detected sentence: CoNLL-U with the tag in UPOS (XPOS for an XPOS tagger), or for an NER model
    (`conll_ner` reader) `NER=B-PER` in MISC; "conll" writes `word tag` lines; "json" one line per
    sentence with words, offsets, tags and, for NER, `entities` (`type`, `start`, `end`: character
    offsets in the input, `text`).

    The options are set with `--predictor-args`, e.g. `'{"output_format": "json"}'`.

    ```
    allennlp predict ner/model.tar.gz news.txt --output-file news.jsonl --include-package \\
        xlt_allennlp --predictor-args '{"language": "es", "output_format": "json"}'
    ```

    # Parameters

    model : `Model`
        The trained model (`allennlp predict` loads it from the archive).
    dataset_reader : `DatasetReader`
        The archive's reader; the predictor reads with a copy of it set up for prediction (gold
        columns not read, every sentence kept).
    output_format : `str`, optional (default = `"auto"`)
        "auto", "conllu", "conll" or "json". "auto" writes the input's own format (CoNLL-U for
        raw text, JSON for JSON word input).
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

    output_formats = ("auto", "conllu", "conll", "json")

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        return self._dataset_reader.text_to_instance(self.json_words(json_dict))  # type: ignore[call-arg]

    def word_prediction(self, metadata: dict[str, Any], output: JsonDict) -> JsonDict:
        result: JsonDict = {"words": metadata["words"], "tags": output["tags"]}
        for key in ("conllu", "tag_column", "conll", "prefix_lines"):
            if key in metadata:
                result[key] = metadata[key]
        return result

    def dump_raw_sentence(self, outputs: JsonDict) -> str:
        raw, tags = outputs["raw"], outputs["tags"]
        is_ner = isinstance(self._dataset_reader, ConllNerReader)
        output_format = self.raw_output_format()
        if output_format == "json":
            if not is_ner:
                return raw_json(raw, tags=tags)
            tags = to_valid_bio(tags)
            return raw_json(raw, tags=tags, entities=entity_spans(raw, tags))
        if output_format == "conll":
            lines = [f"{word} {tag}" for word, tag in zip(raw["words"], tags, strict=True)]
            return "\n".join(lines) + "\n\n"
        lines = raw_sentence_lines(raw)
        if is_ner:
            miscs = [line.rsplit("\t", 1)[1] for line in lines if not line.startswith("#")]
            ner = [misc_with(misc, NER=tag) for misc, tag in zip(miscs, tags, strict=True)]
            return write_conllu_sentence(lines, {"MISC": ner})
        column = getattr(self._dataset_reader, "_tag_column", "upos").upper()
        return write_conllu_sentence(lines, {column: tags})

    def dump_words(self, outputs: JsonDict) -> str:
        output_format = self.output_format_for(outputs, ("conllu", "conll"))
        if output_format == "json":
            tags = {"words": outputs["words"], "tags": outputs["tags"]}
            return json.dumps(tags, ensure_ascii=False) + "\n"
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


def entity_spans(raw: JsonDict, tags: list[str]) -> list[JsonDict]:
    """The entities of a raw-text sentence's valid BIO `tags`: type, start and end character
    offsets in the input (end exclusive) and the text between them as the input has it."""
    entities = []
    for entity_type, first, last in bio_spans(tags):
        start, end = raw["offsets"][first][0], raw["offsets"][last][1]
        text = raw["source"][start - raw["start"] : end - raw["start"]]
        entities.append({"type": entity_type, "start": start, "end": end, "text": text})
    return entities
