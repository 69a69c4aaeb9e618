import json
from pathlib import Path

from tests import allennlp_cli
from tests.ud_format import ud_format_errors
from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.raw_text import RawTextSegmenter
from xlt_allennlp.tagging.predictors.first_subword_tagger import entity_spans

TEXT = "Angela  Merkel besuchte Paris. Dann flog sie nach New York!"
TAGS = {"conll": ("PER", "LOC", "ORG", "MISC")}


def test_entity_spans_have_input_offsets_and_text() -> None:
    sentences = RawTextSegmenter("de").segment(TEXT, offset=10)
    first, second = (s.metadata() for s in sentences)
    assert entity_spans(first, ["B-PER", "I-PER", "O", "B-LOC", "O"]) == [
        {"type": "PER", "start": 10, "end": 24, "text": "Angela  Merkel"},
        {"type": "LOC", "start": 34, "end": 39, "text": "Paris"},
    ]
    tags = ["O", "O", "O", "O", "B-LOC", "I-LOC", "O"]
    assert entity_spans(second, tags) == [
        {"type": "LOC", "start": 60, "end": 68, "text": "New York"}
    ]


def test_raw_text_to_entities_conll_and_conllu(ner_run: tuple[Path, dict], tmp_path: Path) -> None:
    archive = str(ner_run[0] / "model.tar.gz")
    source = tmp_path / "de.txt"
    source.write_text(TEXT + "\n", encoding="utf-8")
    outputs = {}
    for output_format in ("json", "conll", "conllu"):
        outputs[output_format] = tmp_path / f"out.{output_format}"
        args = json.dumps({"language": "de", "output_format": output_format})
        allennlp_cli("predict", archive, str(source), "--silent", "--output-file",
                     str(outputs[output_format]), "--predictor-args", args)  # fmt: skip
    lines = [json.loads(x) for x in outputs["json"].read_text(encoding="utf-8").splitlines()]
    assert [line["text"] for line in lines] == [
        "Angela Merkel besuchte Paris.", "Dann flog sie nach New York!",
    ]  # fmt: skip
    for line in lines:
        assert line["input"] == 1
        assert all(tag == "O" or tag[2:] in TAGS["conll"] for tag in line["tags"])
        for entity in line["entities"]:  # whatever the tiny model found: offsets into the input
            assert TEXT[entity["start"] : entity["end"]] == entity["text"]
        assert line["entities"] == entity_spans(
            {**line, "source": TEXT[line["start"] : line["end"]]}, line["tags"]
        )
    # CoNLL: `word tag` lines, a blank line after each sentence, the same tags.
    blocks = outputs["conll"].read_text(encoding="utf-8").split("\n\n")
    assert blocks[-1] == "" and len(blocks) == 3
    conll_tags = [[row.split(" ")[1] for row in block.split("\n")] for block in blocks[:2]]
    assert conll_tags == [line["tags"] for line in lines]
    # CoNLL-U: the tag as NER= in MISC, UD level 1-2 format.
    conllu_text = outputs["conllu"].read_text(encoding="utf-8")
    assert ud_format_errors(conllu_text) == []
    sentences = list(read_conllu(str(outputs["conllu"])))
    assert [w.misc.split("|")[0] for w in sentences[0].words] == [
        f"NER={tag}" for tag in lines[0]["tags"]
    ]
    assert sentences[0].words[0].misc.endswith("|TokenRange=0:6")
