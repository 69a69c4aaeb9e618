import random

import pytest

from tests.classification.classification_runs import load_generator
from xlt_allennlp.data.sentence_splitter import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # Latin: abbreviations, initials, dotted abbreviations and decimals do not end sentences.
        (
            "Mr. Smith paid 3.5 million dollars. J. R. Jones of Apple Inc. agreed. The U.S. "
            "Treasury said so!",
            [
                "Mr. Smith paid 3.5 million dollars.",
                "J. R. Jones of Apple Inc. agreed.",
                "The U.S. Treasury said so!",
            ],
        ),
        (
            "It rose, e.g. in May... and then? Nothing.",
            ["It rose, e.g. in May... and then?", "Nothing."],
        ),
        (
            "Der Umsatz stieg z.B. um 3,5 Prozent. Dr. Müller sagte das.",
            ["Der Umsatz stieg z.B. um 3,5 Prozent.", "Dr. Müller sagte das."],
        ),
        # German ordinals ("am 3. Oktober") are not sentence ends; a year at the end is.
        (
            "Am 3. Oktober 1990 kam die Einheit. Im 19. Jahrhundert auch. Es war 1990. Dann nicht.",
            [
                "Am 3. Oktober 1990 kam die Einheit.",
                "Im 19. Jahrhundert auch.",
                "Es war 1990.",
                "Dann nicht.",
            ],
        ),
        ("He scored 3. Then he left.", ["He scored 3.", "Then he left."]),
        (
            "M. Dupont est parti. Pourquoi ? Parce que.",
            ["M. Dupont est parti.", "Pourquoi ?", "Parce que."],
        ),
        ("¿Dónde está? Sr. García no sabe.", ["¿Dónde está?", "Sr. García no sabe."]),
        (
            '"He left." Then she came. (It rained.) Done',
            ['"He left."', "Then she came.", "(It rained.)", "Done"],
        ),
        # Cyrillic: "г." (year) before a lower-case word does not end a sentence.
        (
            "Цена выросла на 3,5 процента. Г-н Иванов ушёл в 1996 г. на пенсию. Конец.",
            ["Цена выросла на 3,5 процента.", "Г-н Иванов ушёл в 1996 г. на пенсию.", "Конец."],
        ),
        # Chinese and Japanese: no spaces after full-width terminators.
        ("美元上涨。金价下跌！为什么？好", ["美元上涨。", "金价下跌！", "为什么？", "好"]),
        (
            "ドルが上昇した。「そうだ。」と言った。「はい。」「いいえ。」",
            ["ドルが上昇した。", "「そうだ。」と言った。", "「はい。」", "「いいえ。」"],
        ),
        ("“我们走吧。”他说。好的。", ["“我们走吧。”他说。", "好的。"]),
        # Devanagari danda, Arabic question mark.
        ("तेज़ भूरी लोमड़ी। आलसी कुत्ता।", ["तेज़ भूरी लोमड़ी।", "आलसी कुत्ता।"]),
        ("هل أنت بخير؟ نعم. شكرا", ["هل أنت بخير؟", "نعم.", "شكرا"]),
        # Blank lines end sentences; no terminator at all gives one sentence.
        ("Line one\n\nLine two\nstill two", ["Line one", "Line two\nstill two"]),
        ("no punctuation at all", ["no punctuation at all"]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ru", "zh", "ja"])
def test_fixture_documents_split_into_their_sentences(language: str) -> None:
    """The MLDoc fixture generator's documents (multi-script punctuation, `Mr.`, `Dr.`, `M.`,
    `Sr.`, `U.S.`, decimals, CJK text without spaces) split back into the generated sentences."""
    generator = load_generator()
    lexicon = generator.MLDOC[language]
    rng = random.Random(language)
    for label in generator.MLDOC_LABELS * 25:
        sentences = generator.mldoc_sentences(lexicon, label, rng)
        assert split_sentences(generator.join_document(lexicon, sentences)) == sentences
