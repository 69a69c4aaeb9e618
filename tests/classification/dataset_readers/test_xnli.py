import json
import logging
from pathlib import Path

import pytest
from allennlp.data import Vocabulary

from tests import TINY_MBERT, TINY_XLMR
from tests.classification.classification_runs import XNLI_FIXTURES, XNLI_LANGUAGES
from xlt_allennlp.classification.dataset_readers import XnliReader
from xlt_allennlp.common import ConfigError
from xlt_allennlp.data import DataFormatError
from xlt_allennlp.data.errors import NothingLeftError

READER_LOGGER = "xlt_allennlp.classification.dataset_readers.text_pair"
XNLI_HEADER = (
    "language\tgold_label\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\t"
    "sentence2_parse\tsentence1\tsentence2\tpromptID\tpairID\tgenre\tlabel1\tlabel2\tlabel3\t"
    "label4\tlabel5\tsentence1_tokenized\tsentence2_tokenized\tmatch"
)


def xnli_row(language: str, label: str, premise: str, hypothesis: str, pair_id: str = "1") -> str:
    values = [language, label, "", "", "", "", premise, hypothesis, pair_id, pair_id, "travel"]
    return "\t".join(values + [label] * 5 + [premise, hypothesis, "True"])


def write(tmp_path: Path, lines: list[str] | bytes, name: str = "xnli.test.tsv") -> str:
    path = tmp_path / name
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_xnli_tsv_fields() -> None:
    instances = list(XnliReader(TINY_MBERT).read(str(XNLI_FIXTURES / "xnli.dev.tsv")))
    assert len(instances) == 15 * len(XNLI_LANGUAGES)
    first = instances[0]
    assert set(first.fields) == {"tokens", "label", "metadata"}
    header, row = (XNLI_FIXTURES / "xnli.dev.tsv").read_text(encoding="utf-8").splitlines()[:2]
    values = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    metadata = first["metadata"].metadata
    assert metadata == {
        "premise": values["sentence1"],
        "hypothesis": values["sentence2"],
        "language": values["language"],
        "line": 2,
        "pair_id": values["pairID"],
        "gold_label": values["gold_label"],
    }
    assert first["label"].label == values["gold_label"]
    tokens = [t.text for t in first["tokens"].tokens]
    middle = tokens.index("[SEP]")
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and tokens.count("[SEP]") == 2
    assert "".join(tokens[1:middle]).replace("##", "") == values["sentence1"].replace(" ", "")
    types = [t.type_id for t in first["tokens"].tokens]
    assert types == [0] * (middle + 1) + [1] * (len(tokens) - middle - 1)


def test_multinli_jsonl_and_tsv_layouts_read_the_same_pairs() -> None:
    reader = XnliReader(TINY_MBERT)
    from_jsonl = list(reader.read(str(XNLI_FIXTURES / "multinli_dev_matched.jsonl")))
    from_tsv = list(reader.read(str(XNLI_FIXTURES / "multinli_dev_matched.txt")))
    assert len(from_jsonl) == len(from_tsv) == 90  # 94 pairs, 4 without a gold label
    for one, other in zip(from_jsonl, from_tsv, strict=True):
        assert one["label"].label == other["label"].label
        assert one["metadata"]["premise"] == other["metadata"]["premise"]
        assert one["metadata"]["hypothesis"] == other["metadata"]["hypothesis"]
        assert one["metadata"]["language"] == "en"  # MultiNLI has no language column
        assert one["metadata"]["line"] + 1 == other["metadata"]["line"]  # the TSV header


def test_gold_label_dash_rows_are_skipped_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    path = str(XNLI_FIXTURES / "multinli_dev_matched.jsonl")
    dashes = [
        n
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1)
        if json.loads(line)["gold_label"] == "-"
    ]
    assert len(dashes) == 4
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        instances = list(XnliReader(TINY_MBERT).read(path))
    assert not set(dashes) & {instance["metadata"]["line"] for instance in instances}
    (record,) = caplog.records
    assert record.levelno == logging.INFO  # no reader option left them out: no warning
    assert record.getMessage() == (
        f"{path}: kept 90 pairs, skipped 4 with gold label '-' (no annotator majority)"
    )


@pytest.mark.parametrize("languages", [["de"], ["zh", "hi"], XNLI_LANGUAGES])
def test_language_selection(languages: list[str], caplog: pytest.LogCaptureFixture) -> None:
    reader = XnliReader(TINY_XLMR, languages=languages)
    path = str(XNLI_FIXTURES / "xnli.test.tsv")
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        instances = list(reader.read(path))
    assert len(instances) == 30 * len(languages)
    (record,) = caplog.records
    others = 30 * (len(XNLI_LANGUAGES) - len(languages))
    if others:  # the reader option left pairs out: a warning with the counts
        assert record.levelno == logging.WARNING
        assert record.getMessage() == (
            f"{path}: kept {len(instances)} pairs, skipped {others} in other languages "
            f"(reader option languages={','.join(languages)})"
        )
    else:
        assert record.levelno == logging.INFO
        assert record.getMessage() == f"{path}: kept {len(instances)} pairs, skipped 0"
    assert {instance["metadata"]["language"] for instance in instances} == set(languages)
    assert all(
        [t.text for t in instance["tokens"].tokens].count("</s>") == 3 for instance in instances
    )


def test_for_language_copies_the_reader(caplog: pytest.LogCaptureFixture) -> None:
    reader = XnliReader(TINY_MBERT)
    german = reader.for_language("de")
    assert reader.languages is None and german.languages == ("de",)
    path = str(XNLI_FIXTURES / "xnli.dev.tsv")
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        instances = list(german.read(path))
    assert {instance["metadata"]["language"] for instance in instances} == {"de"}
    # The command chose the language (`de=xnli.dev.tsv`), not a reader option: no warning.
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"{path}: kept 15 pairs, skipped 105 in other languages"
    with pytest.raises(DataFormatError) as error:
        list(reader.for_language("sw").read(path))
    assert str(error.value) == (
        f"{path}: no pairs in language sw; languages in the file: ar de en es fr hi ru zh"
    )


def test_languages_leaving_nothing_is_a_one_line_error_naming_the_option() -> None:
    path = str(XNLI_FIXTURES / "xnli.dev.tsv")
    with pytest.raises(NothingLeftError) as error:
        list(XnliReader(TINY_MBERT, languages=["sw"]).read(path))
    assert isinstance(error.value, ConfigError)
    assert str(error.value) == (
        f"{path}: 0 of 120 pairs kept: none is in the reader option languages=sw; languages in "
        "the file: ar de en es fr hi ru zh (languages=null keeps every language)"
    )


def test_xnli_mt_layout_and_contradictory(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ["premise\thypo\tlabel", "Er las ein Buch .\tEr las nichts .\tcontradictory"],
        "multinli.train.de.tsv",
    )
    (instance,) = XnliReader(TINY_MBERT).read(path)
    assert instance["label"].label == "contradiction"
    assert instance["metadata"]["premise"] == "Er las ein Buch ."


def test_text_to_instance() -> None:
    reader = XnliReader(TINY_MBERT)
    instance = reader.text_to_instance("The cook cleaned the office.", "The cook did not clean.")
    assert "label" not in instance.fields
    assert instance["metadata"].metadata == {
        "premise": "The cook cleaned the office.",
        "hypothesis": "The cook did not clean.",
    }
    with pytest.raises(ValueError, match="must not be empty"):
        reader.text_to_instance("The cook cleaned.", " ")


def test_truncation_keeps_special_tokens_of_a_pair() -> None:
    reader = XnliReader(TINY_XLMR, max_length=16)
    long = " ".join(["The old farmer planted apple trees"] * 10)
    instance = reader.text_to_instance(long, "The farmer did not plant trees.")
    tokens = [t.text for t in instance["tokens"].tokens]
    assert len(tokens) == 16 and tokens[0] == "<s>" and tokens[-1] == "</s>"
    assert tokens.count("</s>") == 3


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (
            ["language\tgold_label\tsentence1", "en\tneutral\tA man."],
            1,
            "the header row has no sentence2 column(s)",
        ),
        (
            [XNLI_HEADER, xnli_row("en", "neutral", "A.", "B."), "en\tneutral\tA man."],
            3,
            "expected 19 tab-separated fields (as in the header), found 3",
        ),
        (
            [XNLI_HEADER, xnli_row("de", "neutrel", "Ein Mann.", "Eine Frau.")],
            2,
            "unknown label 'neutrel'; known labels: entailment neutral contradiction",
        ),
        (
            [XNLI_HEADER, xnli_row("de", "neutral", "Ein Mann.", " ")],
            2,
            "the hypothesis (sentence2) is empty",
        ),
        (
            ['{"gold_label": "neutral", "sentence1": "A.", "sentence2": "B."}', "{not json"],
            2,
            "not valid JSON",
        ),
        (
            ['{"gold_label": "neutral", "sentence1": "A."}'],
            1,
            "missing key(s) sentence2 in the JSON object",
        ),
        (['["neutral", "A.", "B."]'], 1, "expected a JSON object per line"),
        # JSON null is a missing value, never the text "None"
        (['{"gold_label": null, "sentence1": "A.", "sentence2": "B."}'], 1, "unknown label ''"),
        (
            ['{"gold_label": "neutral", "sentence1": null, "sentence2": "B."}'],
            1,
            "the premise (sentence1) is empty",
        ),
        ([], None, "the file is empty"),
        ([XNLI_HEADER], None, "no labelled sentence pairs in the file"),
    ],
)
def test_errors_name_file_and_line(
    tmp_path: Path, lines: list[str], line: int | None, message: str
) -> None:
    path = write(tmp_path, lines)
    with pytest.raises(DataFormatError) as error:
        list(XnliReader(TINY_MBERT).read(path))
    location = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error.value).startswith(location)
    assert message in str(error.value)


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    content = XNLI_HEADER + "\n" + xnli_row("de", "neutral", "Ein Mann.", "Eine Frau.") + "\n"
    path = write(tmp_path, content.encode("utf-8") + "de\tneutral\tM\xe4nner".encode("latin-1"))
    with pytest.raises(DataFormatError, match=r":3: cannot decode byte 0xe4"):
        list(XnliReader(TINY_MBERT).read(path))


def test_skip_empty_skips_counts_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = [
        XNLI_HEADER,
        xnli_row("de", "neutral", "Ein Mann.", "Eine Frau."),
        xnli_row("de", "neutral", "", "Eine Frau."),
    ]
    path = write(tmp_path, lines)
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        instances = list(XnliReader(TINY_MBERT, skip_empty=True).read(path))
    assert len(instances) == 1
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"{path}: kept 1 pairs, skipped 1 with an empty sentence (reader option skip_empty=true)"
    )
    caplog.clear()
    full = write(tmp_path, lines[:2], "full.tsv")
    with caplog.at_level(logging.INFO, logger=READER_LOGGER):
        assert len(list(XnliReader(TINY_MBERT, skip_empty=True).read(full))) == 1
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, f"{full}: kept 1 pairs, skipped 0")
    ]
    empty = write(tmp_path, [lines[0], lines[2]], "empty.tsv")
    with pytest.raises(NothingLeftError, match=r"^.*empty.tsv: 0 of 1 pairs kept: .*skip_empty"):
        list(XnliReader(TINY_MBERT, skip_empty=True).read(empty))


def test_label_unknown_to_the_model_names_file_and_line(tmp_path: Path) -> None:
    """At evaluation: a reader allowing more labels than the model knows gives a clear error."""
    train = list(XnliReader(TINY_MBERT).read(str(XNLI_FIXTURES / "xnli.dev.tsv")))
    vocab = Vocabulary.from_instances(train)
    assert vocab.get_index_to_token_vocabulary("labels") == dict(
        enumerate(["entailment", "neutral", "contradiction"])
    )
    path = write(
        tmp_path,
        [
            XNLI_HEADER,
            xnli_row("de", "entailment", "A.", "B."),
            xnli_row("de", "unrelated", "A.", "C."),
        ],
    )
    reader = XnliReader(TINY_MBERT, labels=["entailment", "neutral", "contradiction", "unrelated"])
    instances = list(reader.read(path))
    instances[0].index_fields(vocab)
    with pytest.raises(DataFormatError) as error:
        instances[1].index_fields(vocab)
    assert str(error.value) == (
        f"{path}:3: label 'unrelated' is unknown to the model (not among its labels); "
        "known labels: entailment neutral contradiction"
    )
