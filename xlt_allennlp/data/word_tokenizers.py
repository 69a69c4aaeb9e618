"""Word tokenization of raw text in every language of the paper, offline, with character offsets.

Which tokenizer a language gets (`tokenizer_name`):

- Chinese (`zh`): jieba's dictionary segmenter (through spaCy's `zh` tokenizer);
- Japanese (`ja`): SudachiPy with its core dictionary, split mode A (short units, the closest to
  UD's words; through spaCy's `ja` tokenizer);
- Korean (`ko`): spaCy's rule-based tokenizer (spaces and punctuation: UD Korean's words are
  space-separated units with punctuation split off; spaCy's own `ko` default needs MeCab);
- every other language spaCy has rules for (`spacy.blank(lang)`: ar bg ca cs da de el en es et fa
  fi fr he hi hr hu id it la lv nb nl pl pt ro ru sk sl sv tr uk ur ...): those rules;
- Thai and Vietnamese (spaCy needs PyThaiNLP / pyvi for them), and languages spaCy does not know:
  the stated fallback `rule_spans`: whitespace, then every punctuation or symbol character a word
  of its own, CJK ideographs and kana one character each. Thai words are then whole space-separated
  phrases and Vietnamese words single syllables.

Multiword tokens are not expanded: `du` (fr), `zum` (de), `al` (es) stay one word.
"""

import logging
import unicodedata
from functools import cache
from typing import Any, Optional

from allennlp.data.tokenizers import Token, Tokenizer

from xlt_allennlp.data.sentence_splitter import dominant_script, sentence_language

# Languages tokenized by the fallback rules although spaCy has a class for them (its tokenizer
# for them needs a package that is not installed: PyThaiNLP, pyvi).
RULE_TOKENIZED = frozenset({"th", "vi"})
# ISO 639-1 codes that spaCy spells differently.
SPACY_CODES = {"no": "nb"}

# Script (first word of the Unicode name of most letters) -> the language guessed for it when
# none is given. Kana anywhere in the sample makes it Japanese (`guess_language`).
SCRIPT_LANGUAGES = {
    "CJK": "zh",
    "HANGUL": "ko",
    "ARABIC": "ar",
    "DEVANAGARI": "hi",
    "CYRILLIC": "ru",
    "GREEK": "el",
    "HEBREW": "he",
    "THAI": "th",
}
# The language guessed for any other script (Latin included): spaCy's multi-language rules.
DEFAULT_LANGUAGE = "xx"


def guess_language(text: str) -> str:
    """The language to tokenize `text` as when none is given, from its script alone: Japanese if
    any kana is among its first letters, else `SCRIPT_LANGUAGES` of the most frequent script,
    else `xx` (spaCy's multi-language rules)."""
    script, seen = dominant_script(text)
    if seen & {"HIRAGANA", "KATAKANA"}:
        return "ja"
    return SCRIPT_LANGUAGES.get(script or "", DEFAULT_LANGUAGE)


def tokenizer_name(language: str) -> str:
    """Which tokenizer `language` (ISO 639-1/639-3 code or WiLI label) gets: `jieba`, `sudachi`,
    `spacy:<code>` or `rules`."""
    code = sentence_language(language)
    code = SPACY_CODES.get(code, code)
    if code == "zh":
        return "jieba"
    if code == "ja":
        return "sudachi"
    if code in RULE_TOKENIZED:
        return "rules"
    try:
        import spacy.util

        spacy.util.get_lang_class(code)
    except ImportError:
        return "rules"
    return f"spacy:{code}"


@cache
def _spacy_tokenizer(name: str) -> Any:
    import spacy

    if name == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}).tokenizer
    if name == "sudachi":
        return spacy.blank("ja").tokenizer
    code = name.split(":", 1)[1]
    if code == "ko":  # spaCy's own `ko` tokenizer needs MeCab: its rule-based one instead
        rules = {"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}}
        return spacy.blank("ko", config=rules).tokenizer
    return spacy.blank(code).tokenizer


def _is_own_word(character: str) -> bool:
    category = unicodedata.category(character)
    if category[0] in "PS":
        return True
    name = unicodedata.name(character, "")
    return name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA"))


def rule_spans(text: str) -> list[tuple[int, int]]:
    """The fallback tokenization of `text` as (start, end) character spans: whitespace separates
    words, and each punctuation or symbol character (Unicode categories P*, S*), CJK ideograph or
    kana is a word of its own, except a `.` or `,` between two digits (`3.5`, `1,000`)."""
    spans: list[tuple[int, int]] = []
    start: Optional[int] = None
    for index, character in enumerate(text):
        if character.isspace():
            if start is not None:
                spans.append((start, index))
                start = None
            continue
        inside_number = (
            character in ".,"
            and start is not None
            and text[index - 1].isdigit()
            and text[index + 1 : index + 2].isdigit()
        )
        if _is_own_word(character) and not inside_number:
            if start is not None:
                spans.append((start, index))
                start = None
            spans.append((index, index + 1))
        elif start is None:
            start = index
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _complete_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` made safe for CoNLL-U: no word holds whitespace (split there), and characters a
    tokenizer left out of every word (other than whitespace) become words by `rule_spans`."""
    complete: list[tuple[int, int]] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:  # overlapping: keep the part not covered yet
            start = position
        if start >= end:
            continue
        for gap_start, gap_end in rule_spans(text[position:start]):
            complete.append((position + gap_start, position + gap_end))
        piece = text[start:end]
        offset = start
        for part in piece.split():
            part_start = piece.index(part, offset - start) + start
            complete.append((part_start, part_start + len(part)))
            offset = part_start + len(part)
        position = end
    for gap_start, gap_end in rule_spans(text[position:]):
        complete.append((position + gap_start, position + gap_end))
    return complete


@Tokenizer.register("multilingual_words")
class MultilingualWordTokenizer(Tokenizer):
    """Splits raw text into words with their character offsets (`Token.idx`, `Token.idx_end`).

    Registered as a `Tokenizer` with name "multilingual_words". Each text is split with the
    tokenizer of its language (module docstring): offline, no model downloaded. Used by the
    `raw_text` reader (`xlt_allennlp.data.raw_text`); every non-space character of the text is
    in exactly one word and no word contains whitespace.

    ```jsonnet
    "tokenizer": {"type": "multilingual_words", "language": "zh"}
    ```

    # Parameters

    language : `Optional[str]`, optional (default = `None`)
        ISO 639-1 or 639-3 code (`de`, `deu`) or WiLI label. `None`: guessed for each text from
        its script (`guess_language`).
    """

    def __init__(self, language: Optional[str] = None) -> None:
        self.language = language

    def tokenize(self, text: str) -> list[Token]:
        language = self.language or guess_language(text)
        return [
            Token(text[start:end], idx=start, idx_end=end)
            for start, end in word_spans(text, language)
        ]


def word_spans(text: str, language: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of the words of `text` in `language`."""
    name = tokenizer_name(language)
    if name == "rules":
        return rule_spans(text)
    doc = _spacy_tokenizer(name)(text)
    spans = [(token.idx, token.idx + len(token.text)) for token in doc if not token.is_space]
    return _complete_spans(text, spans)
