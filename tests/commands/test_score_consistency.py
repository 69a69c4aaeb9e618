"""Every scoring path gives the same number: for each task config on the fixtures, one archive and
one file, `allennlp evaluate`, `evaluate-languages`, `evaluate-languages --predictions-dir`,
`grid-search --evaluate` and a scorer written here over `allennlp predict` output agree to 1e-6.

The scorers below are independent of the package's metric code: they read the gold file and the
predicted file with plain string handling and apply the documented definitions (accuracy over
words; conlleval's chunk rules for span F1; UAS/LAS without gold PUNCT/SYM on coarse relations,
over the sentences of at most 140 words the parser's evaluation keeps; accuracy over documents or
sentence pairs).
"""

import json
import shutil
from pathlib import Path

import pytest

from tests import MLDOC_FIXTURES, NER_FIXTURES, UD_FIXTURES, XNLI_FIXTURES, allennlp_cli
from xlt_allennlp.evaluation.languages import evaluate_languages, language_of
from xlt_allennlp.grid.points import grid_points
from xlt_allennlp.grid.search import grid_search

TOLERANCE = 1e-6


# Independent scorers.


def conllu_sentences(path: Path) -> list[list[list[str]]]:
    """The word lines (10 columns) of each sentence; multiword-token and empty-node lines left
    out."""
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if words:
                sentences.append(words)
            words = []
        elif not line.startswith("#"):
            columns = line.split("\t")
            if columns[0].isdigit():
                words.append(columns)
    return sentences


def pos_accuracy(gold: Path, predicted: Path) -> dict[str, float]:
    pairs = [
        (g[3], p[3])
        for gs, ps in zip(conllu_sentences(gold), conllu_sentences(predicted), strict=True)
        for g, p in zip(gs, ps, strict=True)
    ]
    return {"accuracy": sum(g == p for g, p in pairs) / len(pairs)}


def attachment_scores(gold: Path, predicted: Path, max_words: int = 140) -> dict[str, float]:
    scored = unlabeled = labeled = 0
    for gs, ps in zip(conllu_sentences(gold), conllu_sentences(predicted), strict=True):
        if len(gs) > max_words:
            continue
        for g, p in zip(gs, ps, strict=True):
            if g[3] in ("PUNCT", "SYM"):
                continue
            scored += 1
            if g[6] == p[6]:
                unlabeled += 1
                labeled += g[7].split(":")[0] == p[7].split(":")[0]
    return {"UAS": unlabeled / scored, "LAS": labeled / scored}


def conlleval_chunks(tags: list[str]) -> set[tuple[int, int, str]]:
    """Chunks as conlleval finds them (IOB1 and BIO alike): a chunk starts at B-X, at I-X after
    O or after another type, and ends before the next start or O."""
    chunks, start, kind = set(), None, None
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        starts = prefix == "B" or (prefix == "I" and label != kind)
        if start is not None and (prefix == "O" or starts):
            chunks.add((start, index, kind))
            start, kind = None, None
        if starts:
            start, kind = index, label
    return chunks


def conlleval_f1(predicted: Path) -> dict[str, float]:
    """Span F1 from a conlleval-style file: gold tag second to last, prediction last."""
    gold_chunks = predicted_chunks = correct = 0
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in predicted.read_text(encoding="utf-8").splitlines():
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            sentences.append([])
        else:
            sentences[-1].append((columns[-2], columns[-1]))
    for sentence in sentences:
        gold = conlleval_chunks([g for g, _ in sentence])
        guess = conlleval_chunks([p for _, p in sentence])
        gold_chunks, predicted_chunks = gold_chunks + len(gold), predicted_chunks + len(guess)
        correct += len(gold & guess)
    precision, recall = correct / predicted_chunks, correct / gold_chunks
    return {"f1-measure-overall": 2 * precision * recall / (precision + recall)}


def label_accuracy(predicted: Path) -> dict[str, float]:
    rows = [json.loads(line) for line in predicted.read_text(encoding="utf-8").splitlines()]
    return {"accuracy": sum(row["label"] == row["gold_label"] for row in rows) / len(rows)}


# The matrix.


def scoring_paths(
    run: Path, config: str, data: Path, language: str | None, tmp_path: Path
) -> tuple[dict[str, dict[str, float]], Path]:
    """Each path's scores; and the `allennlp predict` output file. `language`: evaluate the
    file as `LANG=PATH`; None: as `PATH` (every row of a multi-language file)."""
    archive = str(run / "model.tar.gz")
    item = str(data) if language is None else f"{language}={data}"
    language = language or language_of(str(data))
    evaluated = tmp_path / "evaluate.json"
    allennlp_cli("evaluate", archive, str(data), "--output-file", str(evaluated))
    plain = evaluate_languages(archive, [item])
    directory = tmp_path / "predictions"
    with_predictions = evaluate_languages(archive, [item], predictions_dir=str(directory))
    # grid-search over one point whose directory holds this run: done, selected, evaluated.
    grid = tmp_path / "grid"
    (point,) = grid_points({"seed": [13]})
    shutil.copytree(run, grid / point.name)
    searched = grid_search(
        f"fixtures/configs/{config}",
        str(grid),
        grid={"seed": [13]},
        evaluate=[item],
    )
    assert searched.evaluation is not None
    predicted = tmp_path / f"predicted{data.suffix}"
    allennlp_cli("predict", archive, str(data), "--use-dataset-reader", "--silent",
                 "--output-file", str(predicted))  # fmt: skip
    scores = {
        "evaluate": json.loads(evaluated.read_text()),
        "evaluate-languages": plain.scores[language],
        "evaluate-languages --predictions-dir": with_predictions.scores[language],
        "grid-search --evaluate": searched.evaluation.scores[language],  # type: ignore[union-attr]
    }
    return scores, predicted


def assert_agree(scores: dict[str, dict[str, float]], independent: dict[str, float]) -> None:
    for metric, expected in independent.items():
        assert 0.0 < expected  # a scorer that found nothing to score would agree on 0
        for path, values in scores.items():
            assert metric in values, f"{path} has no {metric}: {sorted(values)}"
            assert values[metric] == pytest.approx(expected, abs=TOLERANCE), (path, metric)


def test_pos_scores_agree(pos_run: tuple[Path, dict], tmp_path: Path) -> None:
    data = UD_FIXTURES / "de_test.conllu"
    scores, predicted = scoring_paths(pos_run[0], "pos.jsonnet", data, "de", tmp_path)
    assert_agree(scores, pos_accuracy(data, predicted))


def test_parsing_scores_agree(parsing_run: tuple[Path, dict], tmp_path: Path) -> None:
    data = UD_FIXTURES / "de_test.conllu"
    scores, predicted = scoring_paths(parsing_run[0], "parsing.jsonnet", data, "de", tmp_path)
    assert_agree(scores, attachment_scores(data, predicted))
    # The predictions written by --predictions-dir are allennlp predict's, minus the sentences
    # the evaluation reader leaves out (over max_words), and give the same scores.
    written = tmp_path / "predictions" / data.name
    kept = [s for s in conllu_sentences(data) if len(s) <= 140]
    assert len(conllu_sentences(written)) == len(kept) < len(conllu_sentences(data))


def test_ner_scores_agree(ner_run: tuple[Path, dict], tmp_path: Path) -> None:
    data = NER_FIXTURES / "nl_test.conll"
    scores, predicted = scoring_paths(ner_run[0], "ner.jsonnet", data, "nl", tmp_path)
    assert_agree(scores, conlleval_f1(predicted))


def test_mldoc_scores_agree(mldoc_run: tuple[Path, dict], tmp_path: Path) -> None:
    data = MLDOC_FIXTURES / "de_test.txt"
    scores, predicted = scoring_paths(mldoc_run[0], "mldoc.jsonnet", data, "de", tmp_path)
    assert_agree(scores, label_accuracy(predicted))


def test_xnli_scores_agree(xnli_run: tuple[Path, dict], tmp_path: Path) -> None:
    # One file of every language, read whole (`de=PATH` would read the German rows only).
    data = XNLI_FIXTURES / "xnli.test.tsv"
    scores, predicted = scoring_paths(xnli_run[0], "xnli.jsonnet", data, None, tmp_path)
    assert_agree(scores, label_accuracy(predicted))


def test_the_scorers_on_hand_computed_cases(tmp_path: Path) -> None:
    # conlleval chunks: IOB1 (I- opens a chunk after O or another type) and BIO.
    assert conlleval_chunks(["I-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-ORG"]) == {
        (0, 2, "PER"),
        (3, 5, "LOC"),
        (5, 6, "ORG"),
    }
    conll = tmp_path / "ner.conll"
    conll.write_text("a B-PER B-PER\nb I-PER O\nc O O\n\nd B-LOC B-LOC\n", encoding="utf-8")
    # gold: [a b] PER, [d] LOC; predicted: [a] PER, [d] LOC -> P 1/2, R 1/2, F1 1/2.
    assert conlleval_f1(conll)["f1-measure-overall"] == pytest.approx(0.5)
    gold, predicted = tmp_path / "gold.conllu", tmp_path / "pred.conllu"
    row = "{}\tw\t_\t{}\t_\t_\t{}\t{}\t_\t_"
    gold.write_text(
        "\n".join(
            [
                row.format(1, "NOUN", 2, "nsubj:pass"),
                row.format(2, "VERB", 0, "root"),
                row.format(3, "PUNCT", 2, "punct"),
            ]
        )
        + "\n\n",  # fmt: skip
        encoding="utf-8",
    )
    predicted.write_text(
        "\n".join(
            [
                row.format(1, "X", 2, "nsubj"),
                row.format(2, "X", 1, "root"),
                row.format(3, "X", 1, "obj"),
            ]
        )
        + "\n\n",  # fmt: skip
        encoding="utf-8",
    )
    # PUNCT left out; word 1 right head and coarse relation, word 2 wrong head.
    assert attachment_scores(gold, predicted) == {"UAS": 0.5, "LAS": 0.5}
    assert pos_accuracy(gold, predicted) == {"accuracy": 0.0}
