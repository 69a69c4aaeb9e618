import pytest
from allennlp.data.tokenizers import Tokenizer

from xlt_allennlp.data.word_tokenizers import (
    MultilingualWordTokenizer,
    guess_language,
    rule_spans,
    tokenizer_name,
)

# Hand-written: (language, text, expected words). Offsets are checked against the text below.
FAMILIES = [
    # Latin script: English clitics split as UD English does; punctuation, currency, decimals.
    ("en", "I don't like Paris. Mr. Smith paid $3.50!",
     ["I", "do", "n't", "like", "Paris", ".", "Mr.", "Smith", "paid", "$", "3.50", "!"]),
    # French elision: the article and the pronoun keep their apostrophe.
    ("fr", "L'homme qu'il a vu.", ["L'", "homme", "qu'", "il", "a", "vu", "."]),
    # Cyrillic: a dotted abbreviation stays whole, guillemets are words.
    ("ru", "Это т.е. тест «в кавычках».",
     ["Это", "т.е.", "тест", "«", "в", "кавычках", "»", "."]),
    # Arabic: the Arabic question mark is a word.
    ("ar", "هل أنت بخير؟", ["هل", "أنت", "بخير", "؟"]),
    # Devanagari: vowel signs stay in their word, the danda is a word.
    ("hi", "मैं घर जा रहा हूँ।", ["मैं", "घर", "जा", "रहा", "हूँ", "।"]),
    # Chinese (jieba): words of one to three characters, full-width punctuation.
    ("zh", "我爱北京天安门。", ["我", "爱", "北京", "天安门", "。"]),
    # Japanese (Sudachi, mode A): particles and the copula are words.
    ("ja", "吾輩は猫である。", ["吾輩", "は", "猫", "で", "ある", "。"]),
    # Korean: space-separated units, punctuation split off (as UD Korean).
    ("ko", "나는 학교에 갔다.", ["나는", "학교에", "갔다", "."]),
    # Vietnamese: the fallback rules (syllables; punctuation split off).
    ("vi", "Tôi đi học, hôm nay.", ["Tôi", "đi", "học", ",", "hôm", "nay", "."]),
]  # fmt: skip


@pytest.mark.parametrize(("language", "text", "expected"), FAMILIES)
def test_words_and_offsets_per_script(language: str, text: str, expected: list[str]) -> None:
    tokens = MultilingualWordTokenizer(language).tokenize(text)
    assert [token.text for token in tokens] == expected
    for token in tokens:
        assert text[token.idx : token.idx_end] == token.text  # offsets into the text
    # Every non-space character is in exactly one word, in order.
    assert "".join(token.text for token in tokens) == "".join(text.split())


def test_offsets_are_exact_with_odd_whitespace() -> None:
    text = "  Hello,\u00a0 world\n\tagain  "
    tokens = MultilingualWordTokenizer("en").tokenize(text)
    assert [(t.text, t.idx, t.idx_end) for t in tokens] == [
        ("Hello", 2, 7), (",", 7, 8), ("world", 10, 15), ("again", 17, 22),
    ]  # fmt: skip


def test_which_tokenizer_each_language_gets() -> None:
    assert tokenizer_name("zh") == "jieba"
    assert tokenizer_name("jpn") == "sudachi"  # ISO 639-3 codes work too
    assert tokenizer_name("de") == "spacy:de"
    assert tokenizer_name("no") == "spacy:nb"
    assert tokenizer_name("ko") == "spacy:ko"
    assert tokenizer_name("th") == "rules"
    assert tokenizer_name("sw") == "rules"  # spaCy has no Swahili class
    assert isinstance(Tokenizer.by_name("multilingual_words")(), MultilingualWordTokenizer)


def test_fallback_rules() -> None:
    text = "Ein Test: 3.5 und 1,000—ja!東京に"
    words = [text[start:end] for start, end in rule_spans(text)]
    assert words == ["Ein", "Test", ":", "3.5", "und", "1,000", "—", "ja", "!", "東", "京", "に"]
    assert rule_spans("") == [] and rule_spans(" \n ") == []


def test_language_guessed_from_the_script() -> None:
    assert guess_language("Привет, мир") == "ru"
    assert guess_language("我爱北京") == "zh"
    assert guess_language("東京に行きました") == "ja"  # kana: Japanese, though kanji lead
    assert guess_language("나는 학교에") == "ko"
    assert guess_language("مرحبا") == "ar"
    assert guess_language("Hello world") == "xx"  # Latin: spaCy's multi-language rules
    assert guess_language("123 !") == "xx"
    tokens = MultilingualWordTokenizer().tokenize("我爱北京天安门。")
    assert [token.text for token in tokens] == ["我", "爱", "北京", "天安门", "。"]
