"""Rule-based sentence splitting for many scripts, offline (MLDoc's "first two sentences").

No model is downloaded. `split_sentences(text)` applies the rules below, which cover the sentence
punctuation of Latin, Cyrillic, Arabic, Devanagari, CJK and Japanese text, which is what MLDoc's
eight languages need (paper section 4.1 feeds the first two sentences of a document to the
encoder). `split_sentences(text, language)` picks a splitter by language: these rules for the
languages they were written and tested for (`RULE_LANGUAGES`), where they are better than
`sentencex` (Wikimedia's rule-based segmenter, ~300 languages) on German ordinals, French `M.`,
Russian `т.е.` and CJK quotations; `sentencex` for every other language (Greek `;`, Georgian,
Burmese `။`, per-language abbreviation lists). README, "Sentence splitting", has the comparison.
"""

import re
import unicodedata
from typing import Optional

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


# Languages whose sentences the rules below split at least as well as sentencex (MLDoc's eight
# and the scripts they were written for: Devanagari, Arabic, Urdu), as ISO 639-1 codes.
RULE_LANGUAGES = frozenset("en de fr es it ru zh ja hi ar ur".split())

# ISO 639-3 (and 639-2/T) codes of WiLI-2018's labels that have an ISO 639-1 code, which is what
# sentencex (and Wikipedia) call them; every other code is passed on as it is.
ISO_639_3_TO_1 = dict(
    pair.split(":")
    for pair in """
    afr:af amh:am ara:ar arg:an asm:as ava:av aym:ay aze:az bak:ba bel:be ben:bn bod:bo bos:bs
    bre:br bul:bg cat:ca ces:cs che:ce chv:cv cor:kw cos:co cym:cy dan:da deu:de div:dv ell:el
    eng:en epo:eo est:et eus:eu fao:fo fas:fa fin:fi fra:fr fry:fy gla:gd gle:ga glg:gl glv:gv
    grn:gn guj:gu hat:ht hau:ha hbs:sh heb:he hin:hi hrv:hr hun:hu hye:hy ibo:ig ido:io ile:ie
    ina:ia ind:id isl:is ita:it jav:jv jpn:ja kan:kn kat:ka kaz:kk khm:km kin:rw kir:ky kom:kv
    kor:ko kur:ku lao:lo lat:la lav:lv lim:li lin:ln lit:lt ltz:lb lug:lg mal:ml mar:mr mkd:mk
    mlg:mg mlt:mt mon:mn mri:mi msa:ms mya:my nav:nv nep:ne nld:nl nno:nn nob:nb oci:oc ori:or
    orm:om oss:os pan:pa pol:pl por:pt pus:ps que:qu roh:rm ron:ro rus:ru san:sa sin:si slk:sk
    slv:sl sme:se sna:sn snd:sd som:so spa:es sqi:sq srd:sc srp:sr sun:su swa:sw swe:sv tam:ta
    tat:tt tel:te tgk:tg tgl:tl tha:th ton:to tsn:tn tuk:tk tur:tr uig:ug ukr:uk urd:ur uzb:uz
    vie:vi vol:vo wln:wa wol:wo xho:xh yid:yi yor:yo zho:zh
    """.split()
)


def sentence_language(language: str) -> str:
    """The ISO 639-1 code (when there is one) of a language code or WiLI label, for choosing a
    splitter: `deu` -> `de`, `zh-yue` -> `zh`, `be-tarask` -> `be`, `ceb` -> `ceb`."""
    code = language.strip().lower().replace("_", "-")
    code = ISO_639_3_TO_1.get(code, code)
    base = code.split("-", 1)[0]
    return ISO_639_3_TO_1.get(base, base) if base != code else code


# Scripts whose sentences sentencex splits at least as well as the rules below (README, "Sentence
# splitting"), by the Unicode name prefix of their letters, and the language sentencex is asked
# for: the choice `script_language` makes from the text alone.
SENTENCEX_SCRIPTS = {
    "GREEK": "el",
    "GEORGIAN": "ka",
    "MYANMAR": "my",
    "ETHIOPIC": "am",
    "ARMENIAN": "hy",
    "SINHALA": "si",
    "THAI": "th",
    "TIBETAN": "bo",
    "KHMER": "km",
}


def dominant_script(text: str, sample: int = 200) -> tuple[Optional[str], set[str]]:
    """The script of most of the first `sample` letters of `text` (the first word of their
    Unicode names: `LATIN`, `CJK`, `HIRAGANA`, ...; ties to the name sorting last) and the set of
    scripts seen; (None, empty set) for a text without letters."""
    counts: dict[str, int] = {}
    letters = 0
    for character in text:
        if not character.isalpha():
            continue
        script = unicodedata.name(character, "").split(" ", 1)[0]
        counts[script] = counts.get(script, 0) + 1
        letters += 1
        if letters == sample:
            break
    if not counts:
        return None, set()
    return max(counts, key=lambda name: (counts[name], name)), set(counts)


def script_language(text: str, sample: int = 200) -> Optional[str]:
    """The language sentencex should split `text` as, from the script of most of its first
    `sample` letters (`SENTENCEX_SCRIPTS`), or None for the package's rules: a choice made from
    the text alone, never from a gold label."""
    script, _ = dominant_script(text, sample)
    return None if script is None else SENTENCEX_SCRIPTS.get(script)


def split_sentences(text: str, language: Optional[str] = None) -> list[str]:
    """Splits `text` into sentences (stripped, none empty), in order.

    Without `language` (what the MLDoc reader does) or for a language in `RULE_LANGUAGES`
    (given as ISO 639-1/639-3 code or WiLI label: `en`, `deu`, `zh-yue`), the rules of
    `rule_split_sentences`; for any other language, sentencex's rules for it (its fallback rules
    for a language it does not know).
    """
    if language is None or sentence_language(language) in RULE_LANGUAGES:
        return rule_split_sentences(text)
    return sentencex_split(text, sentence_language(language))


def sentencex_split(text: str, language: str) -> list[str]:
    """sentencex's segmentation of `text` (stripped sentences, none empty); a blank line always
    ends a sentence, as in `rule_split_sentences`."""
    from sentencex import segment

    sentences: list[str] = []
    for paragraph in _BLANK_LINE.split(text):
        sentences.extend(part.strip() for part in segment(language, paragraph) if part.strip())
    return sentences


def rule_split_sentences(text: str) -> list[str]:
    """Splits `text` into sentences (stripped, none empty), in order, with the package's rules.

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
