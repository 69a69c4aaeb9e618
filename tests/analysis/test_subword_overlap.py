import json
import math
from collections import Counter
from pathlib import Path

import pytest

from tests import MLDOC_FIXTURES, TINY_MBERT, TINY_XLMR, UD_FIXTURES, XNLI_FIXTURES, allennlp_cli
from xlt_allennlp.analysis.overlap_measures import Overlap, OverlapReport, correlate
from xlt_allennlp.analysis.subword_counts import SubwordCounter, infer_reader_type
from xlt_allennlp.analysis.subword_overlap import (
    COUNTING_SOURCE,
    COUNTING_TARGETS,
    subword_overlap,
)
from xlt_allennlp.common.errors import ConfigError
from xlt_allennlp.data.errors import DataFormatError

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "dog", "##s", "run", "der", "hund"]


@pytest.fixture(scope="module")
def wordpiece(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A WordPiece tokenizer with a crafted vocabulary (`a` and `b`: allennlp's tokenizer wrapper
    tokenizes them to find the special tokens)."""
    directory = tmp_path_factory.mktemp("wordpiece")
    (directory / "vocab.txt").write_text("\n".join([*VOCAB, ".", "a", "b"]) + "\n")
    config = {"tokenizer_class": "BertTokenizer", "do_lower_case": False}
    (directory / "tokenizer_config.json").write_text(json.dumps(config))
    return str(directory)


def conllu(*sentences: str) -> str:
    blocks = []
    for sentence in sentences:
        lines = [f"{i}\t{word}" + "\t_" * 8 + "\n" for i, word in enumerate(sentence.split(), 1)]
        blocks.append("".join(lines))
    return "\n".join(blocks) + "\n"


def test_p_type_and_p_token_equal_hand_computed_values(wordpiece: str, tmp_path: Path) -> None:
    source = tmp_path / "en_train.conllu"
    source.write_text(conllu("the dogs run ."))  # V_en = {the, dog, ##s, run, .}
    target = tmp_path / "de_test.conllu"
    # der hund run . | der dogs xyz . -> der 2, hund 1, run 1, . 2, dog 1, ##s 1 ([UNK] for xyz
    # is a special token: not counted). V_obs = {run, ., dog, ##s}: 4 of 6 types, 5 of 8 tokens.
    target.write_text(conllu("der hund run .", "der dogs xyz ."))
    counter = SubwordCounter(wordpiece)
    source_counts = counter.count(str(source))
    assert {counter.type_name(i): c for i, c in source_counts.items()} == {
        "the": 1, "dog": 1, "##s": 1, "run": 1, ".": 1,
    }  # fmt: skip
    overlap = Overlap.of(source_counts, counter.count(str(target)))
    assert (overlap.types, overlap.tokens) == (6, 8)
    assert (overlap.observed_types, overlap.observed_tokens) == (4, 5)
    assert overlap.p_type == pytest.approx(100 * 4 / 6)
    assert overlap.p_token == pytest.approx(100 * 5 / 8)


def test_sentence_pair_readers_count_the_same_text_without_special_tokens(
    wordpiece: str, tmp_path: Path
) -> None:
    mldoc = tmp_path / "de_test.txt"
    mldoc.write_text("ECAT\tder hund run. der dogs xyz.\n")  # the first two sentences, as a pair
    xnli = tmp_path / "xnli.tsv"
    xnli.write_text(
        "language\tgold_label\tsentence1\tsentence2\tpairID\n"
        "de\tneutral\tder hund run.\tder dogs xyz.\t1\nen\tneutral\tthe dogs.\tthe dog.\t1\n"
    )
    counter = SubwordCounter(wordpiece)
    expected = Counter({"der": 2, "hund": 1, "run": 1, ".": 2, "dog": 1, "##s": 1})
    for path, language in [(mldoc, None), (xnli, "de")]:
        counts = counter.count(str(path), language)
        assert Counter({counter.type_name(i): c for i, c in counts.items()}) == expected


def test_sentencepiece_markers_and_special_tokens_are_not_counted() -> None:
    counter = SubwordCounter(TINY_XLMR)
    counts = counter.count(str(MLDOC_FIXTURES / "zh_test.txt"))
    names = {counter.type_name(i) for i in counts}
    assert names and not names & {"▁", "<s>", "</s>", "<pad>", "<unk>"}


def test_reader_inferred_from_extension_and_content() -> None:
    assert infer_reader_type(str(UD_FIXTURES / "de_test.conllu")) == "ud_pos"
    assert infer_reader_type("x/en_train.conll") == "conll_ner"
    assert infer_reader_type(str(MLDOC_FIXTURES / "de_test.txt")) == "mldoc"
    assert infer_reader_type(str(XNLI_FIXTURES / "xnli.test.tsv")) == "xnli"
    assert infer_reader_type(str(XNLI_FIXTURES / "multinli_dev_matched.txt")) == "xnli"
    assert infer_reader_type(str(XNLI_FIXTURES / "multinli_train.jsonl")) == "xnli"


def test_unknown_format_and_missing_file_name_the_file(tmp_path: Path) -> None:
    odd = tmp_path / "de_test.csv"
    odd.write_text("a,b,c\n")
    with pytest.raises(ConfigError, match=rf"{odd}: cannot tell the data format"):
        SubwordCounter(TINY_MBERT).count(str(odd))
    with pytest.raises(DataFormatError, match=rf"{tmp_path / 'gone.conllu'}: no such file"):
        SubwordCounter(TINY_MBERT).count(str(tmp_path / "gone.conllu"))


def test_pearson_and_spearman_equal_closed_forms() -> None:
    xs, ys = [1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 4.0, 3.0]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    r = sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    t = r * math.sqrt((n - 2) / (1 - r * r))
    p = 1 - abs(t) / math.sqrt(t * t + 2)  # two-sided p of Student's t with 2 degrees of freedom
    d2 = sum((x - y) ** 2 for x, y in zip(xs, ys, strict=True))  # ranks == values here
    rho = 1 - 6 * d2 / (n * (n * n - 1))
    values = correlate(xs, ys)
    assert (r, p, rho) == pytest.approx((0.6, 0.4, 0.6))
    assert values["n"] == 4
    assert values["pearson_r"] == pytest.approx(r, abs=1e-9)
    assert values["pearson_p"] == pytest.approx(p, abs=1e-9)
    assert values["spearman_rho"] == pytest.approx(rho, abs=1e-9)
    assert correlate([1.0, 2.0], [1.0, 2.0])["pearson_r"] is None
    assert correlate([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])["spearman_rho"] is None


def test_report_correlates_target_languages_only() -> None:
    overlaps = {lang: Overlap(100, 100, k, k) for lang, k in zip("abcd", [1, 2, 3, 4], strict=True)}
    overlaps["en"] = Overlap(100, 100, 100, 100)
    scores = {"a": 0.2, "b": 0.1, "c": 0.4, "d": 0.3, "en": 0.0, "zz": 1.0}
    report = OverlapReport("en", overlaps, scores, "accuracy")
    assert report.correlated_languages() == ["a", "b", "c", "d"]
    correlations = report.correlations()
    for measure in ("p_type", "p_token"):
        assert correlations[measure]["pearson_r"] == pytest.approx(0.6)
    written = report.to_json()
    assert set(written["scores"]) == {"a", "b", "c", "d"}
    assert "| p_type | 0.6 | 0.4 | 0.6 |" in report.markdown()


def test_command_end_to_end_on_ud_fixtures(tmp_path: Path) -> None:
    scores = {"metrics": {"accuracy": {"en": 0.94, "de": 0.26, "es": 0.22, "zh": 0.15}}}
    (tmp_path / "scores.json").write_text(json.dumps(scores))
    out = tmp_path / "out"
    allennlp_cli(
        "subword-overlap", str(UD_FIXTURES / "en_train.conllu"),
        *(str(UD_FIXTURES / f"{lang}_test.conllu") for lang in ["en", "de", "es", "zh"]),
        "--encoder", TINY_MBERT, "--scores", str(tmp_path / "scores.json"), "-o", str(out),
    )  # fmt: skip
    written = json.loads((out / "subword_overlap.json").read_text())
    assert list(written["overlap"]) == ["en", "de", "es", "zh"]
    counter = SubwordCounter(TINY_MBERT)
    source = counter.count(str(UD_FIXTURES / "en_train.conllu"))
    german = Overlap.of(source, counter.count(str(UD_FIXTURES / "de_test.conllu")))
    assert written["overlap"]["de"] == german.to_json()
    assert written["metric"] == "accuracy" and written["correlations"]["p_type"]["n"] == 3
    assert "| de |" in (out / "subword_overlap.md").read_text()
    assert (out / "subword_overlap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_xnli_languages_of_one_file(tmp_path: Path) -> None:
    test = XNLI_FIXTURES / "xnli.test.tsv"
    targets = [f"en={test}", f"de={test}", f"zh={test}"]
    source = str(XNLI_FIXTURES / "multinli_train.jsonl")
    subword_overlap(source, targets, encoder=TINY_XLMR, output_dir=str(tmp_path))
    overlap = json.loads((tmp_path / "subword_overlap.json").read_text())["overlap"]
    assert overlap["en"]["p_type"] > overlap["de"]["p_type"] > overlap["zh"]["p_type"]
    counter = SubwordCounter(TINY_XLMR)  # each language's rows only, not the whole file
    english = sum(counter.count(str(test), "en").values())
    assert overlap["en"]["tokens"] == english < sum(counter.count(str(test)).values())
    assert not (tmp_path / "subword_overlap.png").exists()  # no scores, no scatter


def test_bad_inputs_name_the_file(tmp_path: Path) -> None:
    source, out = str(UD_FIXTURES / "en_train.conllu"), str(tmp_path / "out")

    def run(target: str, **options: str) -> None:  # the command's function: no CLI start-up
        subword_overlap(source, [target], encoder=TINY_MBERT, output_dir=out, **options)

    (tmp_path / "test.conllu").write_text(conllu("der hund"))
    with pytest.raises(ConfigError, match=rf"{tmp_path / 'test.conllu'}: no language code"):
        run(str(tmp_path / "test.conllu"))
    with pytest.raises(DataFormatError, match=rf"{tmp_path / 'de_test.conllu'}: no such file"):
        run(str(tmp_path / "de_test.conllu"))
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({"metrics": {"accuracy": {"de": 0.5}}}))
    with pytest.raises(ConfigError, match=rf"{scores}: no metric 'LAS'; the file has: accuracy"):
        run(str(UD_FIXTURES / "de_test.conllu"), scores_file=str(scores), metric="LAS")
    with pytest.raises(ConfigError, match=rf"{tmp_path / 'gone.json'}: not an evaluate-languages"):
        run(str(UD_FIXTURES / "de_test.conllu"), scores_file=str(tmp_path / "gone.json"))
    assert not (tmp_path / "out").exists()


def test_counting_shows_progress_and_checks_targets_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(UD_FIXTURES / "en_train.conllu")
    targets = [str(UD_FIXTURES / f"{lang}_test.conllu") for lang in ["de", "es"]]
    subword_overlap(source, targets, encoder=TINY_MBERT, output_dir=str(tmp_path / "out"))
    progress = capsys.readouterr().err  # allennlp's Tqdm writes to stderr
    assert f"{COUNTING_SOURCE}: " in progress and " instances" in progress
    assert f"{COUNTING_TARGETS}: 100%" in progress and "2/2" in progress
    # A bad target stops the command before the source file is read.
    with pytest.raises(DataFormatError, match="fr_test.conllu: no such file"):
        subword_overlap(
            source, [str(tmp_path / "fr_test.conllu")], encoder=TINY_MBERT, output_dir="unused"
        )
    assert COUNTING_SOURCE not in capsys.readouterr().err
