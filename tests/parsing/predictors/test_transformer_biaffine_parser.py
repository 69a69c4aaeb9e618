import json
import logging
from pathlib import Path

import conllu
import pytest
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from tests import EDGE_CASE_SENTENCES, TINY_MBERT, UD_FIXTURES, allennlp_cli
from tests.parsing.models.test_transformer_biaffine_parser import small_parser
from tests.tagging.predictors.test_first_subword_tagger import (
    assert_only_columns_changed,
    run_predict,
    write_foreign_gold,
)
from xlt_allennlp.data.errors import DataFormatError
from xlt_allennlp.data.token_indexers import PretrainedTransformerFirstSubwordIndexer
from xlt_allennlp.evaluation.languages import evaluate_languages
from xlt_allennlp.parsing.dataset_readers import UdParsingReader
from xlt_allennlp.parsing.predictors import TransformerBiaffineParserPredictor


def conll18_scores(gold_file: Path, system_file: Path, max_words: int = 140) -> dict[str, float]:
    """UAS/LAS as the CoNLL 2018 shared task's evaluation script defines them, for gold
    tokenization: over all syntactic words, LAS comparing the universal part of DEPREL only; and
    the same with PUNCT/SYM words (by gold UPOS) left out. Sentences longer than `max_words` are
    left out, as the paper does. Written against the `conllu` package, not our reader."""
    gold = conllu.parse(gold_file.read_text(encoding="utf-8"))
    system = conllu.parse(system_file.read_text(encoding="utf-8"))
    assert len(gold) == len(system)
    counts = {"all": [0, 0, 0], "nopunct": [0, 0, 0]}
    for gold_sentence, system_sentence in zip(gold, system, strict=True):
        gold_words = [t for t in gold_sentence if isinstance(t["id"], int)]
        system_words = [t for t in system_sentence if isinstance(t["id"], int)]
        assert [t["form"] for t in gold_words] == [t["form"] for t in system_words]
        if len(gold_words) > max_words:
            continue
        for g, s in zip(gold_words, system_words, strict=True):
            head_ok = g["head"] == s["head"]
            label_ok = head_ok and g["deprel"].split(":")[0] == s["deprel"].split(":")[0]
            keys = ["all"] if g["upos"] in ("PUNCT", "SYM") else ["all", "nopunct"]
            for key in keys:
                counts[key][0] += 1
                counts[key][1] += head_ok
                counts[key][2] += label_ok
    return {
        "UAS_all": counts["all"][1] / counts["all"][0],
        "LAS_all": counts["all"][2] / counts["all"][0],
        "UAS": counts["nopunct"][1] / counts["nopunct"][0],
        "LAS": counts["nopunct"][2] / counts["nopunct"][0],
    }


def test_predicted_conllu_is_valid_and_scores_match_conll18(
    parsing_run: tuple[Path, dict],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = parsing_run[0] / "model.tar.gz"
    source = UD_FIXTURES / "es_test.conllu"  # multiword tokens, subtyped relations, 300 words
    output = tmp_path / "es_pred.conllu"
    run_predict(archive, source, output, "--use-dataset-reader")

    # Every sentence, the > 140-word one included; only HEAD and DEPREL changed.
    inputs, _ = assert_only_columns_changed(source, output, {6, 7})
    assert max(len(s.words) for s in inputs) >= 300
    parsed = conllu.parse(output.read_text(encoding="utf-8"))
    assert len(parsed) == len(inputs)
    for sentence in parsed:
        tree = sentence.to_tree()  # raises unless there is exactly one root and no cycle
        words = [t for t in sentence if isinstance(t["id"], int)]
        assert tree.token["head"] == 0
        assert sum(1 for t in words if t["head"] == 0) == 1
        assert all(t["deprel"] and ":" not in t["deprel"] for t in words)

    # Zero-shot evaluation on several languages at once (in-process: the CLI of
    # evaluate-languages is tested with the POS tagger); Spanish checked against CoNLL 2018.
    evaluated = tmp_path / "metrics.json"
    inputs = [str(source), str(UD_FIXTURES / "de_test.conllu"), str(UD_FIXTURES / "zh_test.conllu")]
    with caplog.at_level(logging.INFO):
        evaluate_languages(
            str(archive),
            inputs,
            metrics=["UAS", "LAS"],
            output_file=str(evaluated),
            overrides='{"model.report_unexcluded_scores": true}',
        )
    assert "es_test.conllu: kept 59 sentences, skipped 1 with more than 140 words" in caplog.text
    stdout = capsys.readouterr().out
    assert "| language | UAS | LAS |" in stdout and "| zh |" in stdout
    results = json.loads(evaluated.read_text())["results"]
    assert sorted(results) == ["de", "es", "zh"]
    metrics = results["es"]
    expected = conll18_scores(source, output)
    for name, value in expected.items():
        assert metrics[name] == pytest.approx(value), name
    assert 0 < metrics["UAS"] < 1  # a real, non-trivial comparison


def test_json_lines_input_and_output_formats(parsing_run: tuple[Path, dict]) -> None:
    archive = load_archive(str(parsing_run[0] / "model.tar.gz"))
    predictor = Predictor.from_archive(archive)
    # 200 words, 1200 subwords: several 512-subword windows (and a quick tree decoding).
    long_words = ["the", "Donaudampfschifffahrtsgesellschaftskapitän"] * 100
    subwords, _ = PretrainedTransformerFirstSubwordIndexer(TINY_MBERT).subword_ids(long_words)
    assert len(subwords) > 2 * 512
    inputs = [
        {"words": ["The", "dog", "slept", "."], "pos": ["DET", "NOUN", "VERB", "PUNCT"]},
        {"sentence": "a cat"},
        {"words": long_words},
    ]
    results = predictor.predict_batch_json(inputs)
    assert [len(r["predicted_heads"]) for r in results] == [4, 2, 200]
    for result in results:
        assert sum(1 for head in result["predicted_heads"] if head == 0) == 1
    line = json.loads(predictor.dump_line(results[0]))
    assert set(line) == {"words", "pos", "predicted_heads", "predicted_dependencies"}
    conllu_predictor = Predictor.from_archive(archive, extra_args={"output_format": "conllu"})
    (sentence,) = conllu.parse(conllu_predictor.dump_line(results[0]))
    assert [t["upos"] for t in sentence] == ["DET", "NOUN", "VERB", "PUNCT"]
    assert [t["head"] for t in sentence] == results[0]["predicted_heads"]
    with pytest.raises(ValueError, match="output_format"):
        Predictor.from_archive(archive, extra_args={"output_format": "xml"})
    with pytest.raises(ValueError, match="'pos' has 1 tags for 2 words"):
        predictor.predict_json({"words": ["a", "b"], "pos": ["DET"]})


def test_gold_pos_parser_needs_pos_for_every_input() -> None:
    parser, instances = small_parser(pos_dim=8)
    reader = UdParsingReader(token_indexers=instances[0]["words"].token_indexers)
    predictor = TransformerBiaffineParserPredictor(parser, reader)
    (result,) = predictor.predict_batch_json([{"words": ["a", "b"], "pos": ["DET", "NOUN"]}])
    assert len(result["predicted_heads"]) == 2
    with pytest.raises(ValueError, match="embeds gold UPOS tags .* missing for 'Hallo Welt'"):
        predictor.predict_json({"words": ["Hallo", "Welt"]})


def test_prediction_never_needs_a_valid_gold_tree(
    parsing_run: tuple[Path, dict], tmp_path: Path
) -> None:
    # Missing HEADs, a relation outside UD, foreign UPOS tags: predicted all the same.
    archive = str(parsing_run[0] / "model.tar.gz")
    source = write_foreign_gold(tmp_path)
    output = tmp_path / "tr_pred.conllu"
    allennlp_cli("predict", archive, str(source), "--use-dataset-reader", "--silent",
                 "--output-file", str(output))  # fmt: skip
    _, outputs = assert_only_columns_changed(source, output, {6, 7})  # HEAD, DEPREL
    for sentence in conllu.parse(output.read_text(encoding="utf-8")):
        sentence.to_tree()  # one root, no cycle
    assert [len(s.words) for s in outputs] == [4, 4]
    with pytest.raises(DataFormatError, match=rf"{source}:4: UPOS is 'PRT'"):
        allennlp_cli("evaluate", archive, str(source))


def test_one_tree_per_input_for_edge_cases(parsing_run: tuple[Path, dict]) -> None:
    predictor = Predictor.from_archive(load_archive(str(parsing_run[0] / "model.tar.gz")))
    results = predictor.predict_batch_json([{"words": words} for words in EDGE_CASE_SENTENCES])
    assert [r["words"] for r in results] == EDGE_CASE_SENTENCES
    for result, words in zip(results, EDGE_CASE_SENTENCES, strict=True):
        heads = result["predicted_heads"]
        assert len(heads) == len(words) and heads.count(0) == 1
        assert all(0 <= head <= len(words) for head in heads)
