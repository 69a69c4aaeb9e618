"""Rule-based sentence splitting for many scripts, offline (MLDoc's "first two sentences").

No model is downloaded: the rules below cover the sentence punctuation of Latin, Cyrillic, Greek,
Arabic, Devanagari, CJK and Japanese text, which is what MLDoc's eight languages need (paper
section 4.1 feeds the first two sentences of a document to the encoder).
"""

import re

# Terminators that end a sentence wherever they stand (no space follows them in CJK text):
# ideographic full stop, full-width ! ? . and the halfwidth full stop; Devanagari danda and double
# danda; Arabic question mark; Urdu full stop; Ethiopic full stop; Armenian full stop.
ALWAYS_TERMINATORS = "。！？．｡।॥؟۔።։"
# Terminators that end a sentence only before whitespace (or the end of the text): "3.5", "e.g."
# and "Yahoo!Inc" stay whole.
SPACED_TERMINATORS = ".!?…"
# Closing quotes and brackets that belong to the sentence they follow: `He left.") Then`.
CLOSING = "\"'”’»)]}」』）】〕〉》"
OPENING = "\"'“‘«([{「『（【〔〈《¿¡"

# Words (lower-cased, without their final period) after which a period does not end a sentence:
# titles, corporate suffixes, and common abbreviations of MLDoc's languages (en, de, fr, es, it,
# ru). Single letters ("J. Smith", "M. Dupont") and dotted abbreviations ("U.S.", "z.B.",
# "т.е.") are recognised without a list.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st jr sr gen col lt sgt capt cmdr gov sen rep rev hon messrs
    inc corp co ltd bros no nos vs approx est fig jan feb mar apr jun jul aug sep sept oct nov dec
    nr hr fr frl bzw ca vgl ggf inkl zzgl evtl mio mrd str
    mme mlle mm env cf av
    sra srta dra ud uds núm pág aprox
    sig dott
    г гг им ул тыс млн млрд руб долл проф акад
    """.split()
)

# Words after which a number's period is an ordinal (German "am 3. Oktober", "im 19.
# Jahrhundert"), not a sentence end.
ORDINAL_FOLLOWERS = frozenset(
    """
    januar jänner februar märz april mai juni juli august september oktober november dezember
    jahrhundert jahrhunderts jahrhunderten jahrestag platz mal
    """.split()
)

_CANDIDATE = re.compile(
    f"[{re.escape(ALWAYS_TERMINATORS + SPACED_TERMINATORS)}]+[{re.escape(CLOSING)}]*"
)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}$")


def split_sentences(text: str) -> list[str]:
    """Splits `text` into sentences (stripped, none empty), in order.

    A sentence ends at a run of terminators (plus closing quotes/brackets):
    - after `。！？．｡` (CJK, Japanese), `।` `॥` (Devanagari), `؟` (Arabic), `۔` (Urdu), whatever
      follows, except inside a quotation the sentence goes on after (`「そうだ。」と言った。`);
    - after `.`, `!`, `?`, `…` only when whitespace or the end of the text follows, the next word
      does not start with a lower-case letter, and (for a single `.`) the word before it is not
      an abbreviation: a known one (`Mr.`, `Inc.`, `z.B.` ...), a single letter (`J. Smith`), or
      dotted letters (`U.S.`), and it is not a German ordinal (`am 3. Oktober`, `im 19.
      Jahrhundert`). So decimal numbers (`3.5`) and `e.g. this` stay whole.
    A blank line always ends a sentence.
    """
    sentences: list[str] = []
    for paragraph in _BLANK_LINE.split(text):
        start = 0
        for match in _CANDIDATE.finditer(paragraph):
            if _ends_sentence(paragraph, match):
                sentence = paragraph[start : match.end()].strip()
                if sentence:
                    sentences.append(sentence)
                start = match.end()
        rest = paragraph[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def _ends_sentence(text: str, match: re.Match) -> bool:
    run = match.group().rstrip(CLOSING)
    after = text[match.end() :]
    if any(char in ALWAYS_TERMINATORS for char in run):
        # A quotation ending in a terminator that the sentence goes on after is not a sentence
        # end: 「そうだ。」と言った。, “走吧。”他说。
        quoted = len(run) < len(match.group())
        return not (quoted and after and not after[0].isspace() and after[0] not in OPENING)
    if after and not after[0].isspace():
        return False
    next_word = after.lstrip().lstrip(OPENING)
    if next_word[:1].islower():
        return False
    if run == ".":
        word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        if word.isdigit() and len(word) <= 2 and _first_word(next_word) in ORDINAL_FOLLOWERS:
            return False
        return not _is_abbreviation(word.lstrip(OPENING))
    return True


def _first_word(text: str) -> str:
    match = re.match(r"[^\W\d_]+", text)
    return match.group().lower() if match else ""


def _is_abbreviation(word: str) -> bool:
    if len(word) == 1:
        return word.isalpha()
    return word.lower() in ABBREVIATIONS or bool(_DOTTED.match(word))
