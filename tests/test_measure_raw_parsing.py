"""The span-aligned UAS/LAS of scripts/measure_raw_parsing.py, on hand-made files."""

import importlib.util
from pathlib import Path

import pytest

from tests import PROJECT_ROOT

spec = importlib.util.spec_from_file_location(
    "measure_raw_parsing", PROJECT_ROOT / "scripts" / "measure_raw_parsing.py"
)
measure = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(measure)  # type: ignore[union-attr]

ROW = "{}\t{}\t_\t_\t_\t_\t{}\t{}\t_\t_"


def conllu(path: Path, sentences: list[list[str]]) -> str:
    path.write_text("\n\n".join("\n".join(rows) for rows in sentences) + "\n\n", encoding="utf-8")
    return str(path)


def test_spans_multiword_tokens_and_scores_by_hand(tmp_path: Path) -> None:
    # Gold: "Er ging zum Haus" with zum = zu + dem (5 words); the root is ging.
    gold = conllu(tmp_path / "gold.conllu", [[
        ROW.format(1, "Er", 2, "nsubj"), ROW.format(2, "ging", 0, "root"),
        "3-4\tzum\t_\t_\t_\t_\t_\t_\t_\t_",
        ROW.format(3, "zu", 5, "case"), ROW.format(4, "dem", 5, "det"),
        ROW.format(5, "Haus", 2, "obl:arg"),
    ]])  # fmt: skip
    words = measure.read_words(gold)
    assert [w.span for w in words] == [(0, 2), (2, 6), (6, 9), (6, 9), (9, 13)]
    assert [w.in_multiword for w in words] == [0, 0, 1, 2, 0]
    assert [w.head for w in words] == [1, -1, 4, 4, 1]
    # From raw text: "zum" one word (not expanded), "Haus" split wrongly into "Ha" "us".
    system = conllu(tmp_path / "raw.conllu", [[
        ROW.format(1, "Er", 2, "nsubj"), ROW.format(2, "ging", 0, "root"),
        ROW.format(3, "zum", 5, "case"), ROW.format(4, "Ha", 2, "obl"),
        ROW.format(5, "us", 4, "dep"),
    ]])  # fmt: skip
    scores = measure.attachment_f1(words, measure.read_words(system))
    # Aligned: Er, ging (both right, labels right). F1 = 2 * 2 / (5 gold + 5 system).
    assert scores["aligned"] == 2
    assert scores["UAS"] == pytest.approx(40.0) and scores["LAS"] == pytest.approx(40.0)
    # Gold against itself: everything aligned and right.
    assert measure.attachment_f1(words, words) == {"UAS": 100.0, "LAS": 100.0, "aligned": 5}
