"""Tokenization and sentence splitting of the raw-text path, scored against gold treebanks
(docs/raw-text.md): python scripts/measure_raw_text.py LANG=FILE.conllu ... [--markdown]

The raw text is rebuilt from each gold file's `# text` lines (sentences of a paragraph joined by a
space, or by nothing where the gold's last word has SpaceAfter=No; `# newdoc` / `# newpar` start a
paragraph, separated by a blank line; a file without them is one paragraph). It goes through
`RawTextSegmenter` (the package's sentence splitter and word tokenizers) and is scored with the
CoNLL 2018 shared task's definitions: Tokens and Sentences F1 over character spans of the text
without whitespace; Words F1 over syntactic words, aligned by span, and inside gold multiword
tokens (which this package does not expand) by the longest common subsequence of lower-cased
forms. Measurement only: never run in CI, and the data stays outside the repository.
"""

import argparse
import sys
import unicodedata
from dataclasses import dataclass

from xlt_allennlp.data.conllu import read_conllu
from xlt_allennlp.data.raw_text import RawTextSegmenter
from xlt_allennlp.data.word_tokenizers import tokenizer_name


@dataclass
class Word:
    start: int  # span (of its token) in the text without whitespace
    end: int
    form: str
    multiword: bool


@dataclass
class Segmentation:
    characters: str
    tokens: list[tuple[int, int]]
    words: list[Word]
    sentences: list[tuple[int, int]]


def _no_space(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Zs")


def gold_segmentation(path: str) -> tuple[Segmentation, list[str]]:
    """The gold segmentation of a CoNLL-U file and its raw text, one string per paragraph."""
    gold = Segmentation("", [], [], [])
    paragraphs: list[str] = []
    characters: list[str] = []
    for sentence in read_conllu(path):
        comments = [line for line in sentence.lines if line.startswith("#")]
        text = next(line.split("=", 1)[1].strip() for line in comments if line.startswith("# text"))
        if not paragraphs or any(line.startswith(("# newdoc", "# newpar")) for line in comments):
            paragraphs.append("")
        glue = "" if not paragraphs[-1] or "SpaceAfter=No" in sentence.words[-1].misc else " "
        paragraphs[-1] += glue + text
        sentence_start = len(characters)
        words = {word.line_index: word for word in sentence.words}
        skip_until = 0
        for index, line in enumerate(sentence.lines):
            columns = line.split("\t")
            if line.startswith("#") or "." in columns[0]:
                continue
            form = _no_space(columns[1])
            if "-" in columns[0]:
                first, last = map(int, columns[0].split("-"))
                start = len(characters)
                characters.extend(form)
                gold.tokens.append((start, len(characters)))
                for word in sentence.words[first - 1 : last]:
                    gold.words.append(Word(start, len(characters), word.form, True))
                skip_until = last
                continue
            word = words[index]
            if word.id <= skip_until:
                continue
            start = len(characters)
            characters.extend(form)
            gold.tokens.append((start, len(characters)))
            gold.words.append(Word(start, len(characters), word.form, False))
        gold.sentences.append((sentence_start, len(characters)))
    gold.characters = "".join(characters)
    return gold, paragraphs


def system_segmentation(paragraphs: list[str], language: str) -> Segmentation:
    system = Segmentation("", [], [], [])
    characters: list[str] = []
    segmenter = RawTextSegmenter(language)
    for paragraph in paragraphs:
        for sentence in segmenter.segment(paragraph):
            sentence_start = len(characters)
            for form in sentence.words:
                start = len(characters)
                characters.extend(_no_space(form))
                system.tokens.append((start, len(characters)))
                system.words.append(Word(start, len(characters), form, False))
            system.sentences.append((sentence_start, len(characters)))
    system.characters = "".join(characters)
    return system


def f1(correct: int, gold: int, system: int) -> float:
    return 2 * correct / (gold + system) if gold + system else 0.0


def span_f1(gold: list[tuple[int, int]], system: list[tuple[int, int]]) -> float:
    return f1(len(set(gold) & set(system)), len(gold), len(system))


def _lcs(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            same = table[i + 1][j + 1] + 1 if a[i] == b[j] else 0
            table[i][j] = max(same, table[i + 1][j], table[i][j + 1])
    return table[0][0]


def aligned_words(gold: list[Word], system: list[Word]) -> int:
    """Words aligned as the CoNLL 2018 script aligns them (system words are never multiword):
    outside gold multiword tokens by equal spans; a region of overlapping spans that holds a gold
    multiword token, by the LCS of the lower-cased forms of its gold and system words."""
    correct = gi = si = 0
    while gi < len(gold) and si < len(system):
        if gold[gi].multiword:
            end = gold[gi].end
            if system[si].start < gold[gi].start:
                si += 1
                continue
            gs, ss = gi, si
            while (gi < len(gold) and gold[gi].start < end) or (
                si < len(system) and system[si].start < end
            ):
                if gi < len(gold) and (si >= len(system) or gold[gi].start <= system[si].start):
                    end = max(end, gold[gi].end) if gold[gi].multiword else end
                    gi += 1
                else:
                    si += 1
            forms_gold = [w.form.lower() for w in gold[gs:gi]]
            forms_system = [w.form.lower() for w in system[ss:si]]
            correct += _lcs(forms_gold, forms_system)
        elif (gold[gi].start, gold[gi].end) == (system[si].start, system[si].end):
            correct += 1
            gi += 1
            si += 1
        elif gold[gi].start <= system[si].start:
            gi += 1
        else:
            si += 1
    return correct


def measure(language: str, path: str) -> dict[str, float | str]:
    gold, paragraphs = gold_segmentation(path)
    system = system_segmentation(paragraphs, language)
    if gold.characters != system.characters:
        at = next(
            (
                i
                for i, (a, b) in enumerate(zip(gold.characters, system.characters, strict=False))
                if a != b
            ),
            min(len(gold.characters), len(system.characters)),
        )
        raise ValueError(f"{path}: the FORMs and `# text` differ at character {at}")
    return {
        "tokenizer": tokenizer_name(language),
        "tokens": span_f1(gold.tokens, system.tokens),
        "words": f1(aligned_words(gold.words, system.words), len(gold.words), len(system.words)),
        "sentences": span_f1(gold.sentences, system.sentences),
        "gold sentences": len(gold.sentences),
        "paragraphs": len(paragraphs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="+", metavar="LANG=FILE", help="e.g. de=de_pud-ud-test.conllu"
    )
    arguments = parser.parse_args()
    columns = ["language", "file", "tokenizer", "Tokens F1", "Words F1", "Sentences F1"]
    columns += ["sentences", "paragraphs"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for item in arguments.files:
        language, path = item.split("=", 1)
        try:
            row = measure(language, path)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            continue
        print(
            f"| {language} | {path.rsplit('/', 1)[-1]} | {row['tokenizer']} | "
            f"{100 * row['tokens']:.1f} | {100 * row['words']:.1f} | "
            f"{100 * row['sentences']:.1f} | {row['gold sentences']} | {row['paragraphs']} |"
        )


if __name__ == "__main__":
    main()
