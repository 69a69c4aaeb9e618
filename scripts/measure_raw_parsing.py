"""End-to-end parsing from raw text vs from gold tokens (docs/raw-text.md; measurement only,
never in CI):

    python scripts/measure_raw_parsing.py GOLD.conllu FROM_GOLD_TOKENS.conllu FROM_RAW_TEXT.conllu

UAS and LAS as F1 over words in the CoNLL 2018 shared task's way, simplified: words are aligned by
their character span in the text without whitespace (a word's span is its token's: the surface
form of its line, or of its multiword-token range); words inside a multiword token align by their
place in it when both sides have that token, else not at all (raw text, whose multiword tokens
are not expanded, loses the words of contractions; the official scorer's alignment by LCS of
forms would mostly lose them too). A word is correct
when it is aligned and its head is the aligned word of the gold head (or both are the root); LAS
also needs the same relation (universal part, before `:`). Every word counts, punctuation
included. From gold tokens, F1 equals accuracy.
"""

import sys
import unicodedata
from dataclasses import dataclass


@dataclass
class Word:
    span: tuple[int, int]
    in_multiword: int  # 0, or the word's place (1, 2, ...) inside its multiword token
    head: int  # global index of the head word, -1 for the root
    relation: str


def _length(form: str) -> int:
    return sum(1 for c in form if not c.isspace() and unicodedata.category(c) != "Zs")


def read_words(path: str) -> list[Word]:
    """Every word of a CoNLL-U file with its span (offsets in the concatenated text without
    whitespace) and its head as a global word index."""
    words: list[Word] = []
    position = 0
    with open(path, encoding="utf-8") as handle:
        blocks = handle.read().split("\n\n")
    for block in blocks:
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        if not lines:
            continue
        base = len(words)
        multiword_end, multiword_span, first = 0, (0, 0), 0
        for line in lines:
            columns = line.split("\t")
            if "." in columns[0]:
                continue  # empty node
            if "-" in columns[0]:
                first, last = (int(x) for x in columns[0].split("-"))
                multiword_end = last
                length = _length(columns[1])
                multiword_span = (position, position + length)
                position += length
                continue
            index = int(columns[0])
            inside = index - first + 1 if index <= multiword_end else 0
            if inside:
                span = multiword_span
            else:
                length = _length(columns[1])
                span = (position, position + length)
                position += length
            head = int(columns[6]) if columns[6].isdigit() else 0
            words.append(Word(span, inside, base + head - 1 if head else -1, columns[7]))
    return words


def attachment_f1(gold: list[Word], system: list[Word]) -> dict[str, float]:
    by_span = {(w.span, w.in_multiword): i for i, w in enumerate(system)}
    aligned = {
        g: by_span[(w.span, w.in_multiword)]
        for g, w in enumerate(gold)
        if (w.span, w.in_multiword) in by_span
    }
    unlabeled = labeled = 0
    for g, s in aligned.items():
        gold_head, system_head = gold[g].head, system[s].head
        same_head = (gold_head == -1 and system_head == -1) or (
            gold_head != -1 and aligned.get(gold_head) == system_head
        )
        if same_head:
            unlabeled += 1
            labeled += gold[g].relation.split(":")[0] == system[s].relation.split(":")[0]

    def f1(correct: int) -> float:
        return 2 * correct / (len(gold) + len(system)) if gold or system else 0.0

    return {"UAS": 100 * f1(unlabeled), "LAS": 100 * f1(labeled), "aligned": len(aligned)}


def main() -> None:
    gold_path, from_gold, from_raw = sys.argv[1:4]
    gold = read_words(gold_path)
    for name, path in (("gold tokens", from_gold), ("raw text", from_raw)):
        scores = attachment_f1(gold, read_words(path))
        print(f"{name}: UAS {scores['UAS']:.1f} LAS {scores['LAS']:.1f} "
              f"(aligned {scores['aligned']} of {len(gold)} gold words)")  # fmt: skip


if __name__ == "__main__":
    main()
