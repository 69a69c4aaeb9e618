from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_ROOT = PROJECT_ROOT / "fixtures"
UD_FIXTURES = FIXTURES_ROOT / "data" / "ud"
NER_FIXTURES = FIXTURES_ROOT / "data" / "ner"
MLDOC_FIXTURES = FIXTURES_ROOT / "data" / "mldoc"
XNLI_FIXTURES = FIXTURES_ROOT / "data" / "xnli"
TINY_MBERT = str(FIXTURES_ROOT / "encoders" / "tiny-mbert")
TINY_XLMR = str(FIXTURES_ROOT / "encoders" / "tiny-xlmr")
TINY_ROBERTA = str(FIXTURES_ROOT / "encoders" / "tiny-roberta")
TINY_MDEBERTA = str(FIXTURES_ROOT / "encoders" / "tiny-mdeberta")
TINY_MODERNBERT = str(FIXTURES_ROOT / "encoders" / "tiny-modernbert")
# One tiny encoder per family the package supports (fixtures/make_tiny_encoders.py).
FAMILY_ENCODERS = {
    "bert": TINY_MBERT,
    "xlmr": TINY_XLMR,
    "roberta": TINY_ROBERTA,
    "mdeberta": TINY_MDEBERTA,
    "modernbert": TINY_MODERNBERT,
}
FIXTURE_CONFIGS = FIXTURES_ROOT / "configs"  # the task configs on the fixture data


def allennlp_cli(*args: str) -> None:
    """Runs an `allennlp` command in this process, as `python -m allennlp` would (plugins come
    from `.allennlp_plugins`; a new interpreter would cost ~15 s of imports). The real CLI in a
    subprocess is exercised by tests/tagging/predictors/test_first_subword_tagger.py and
    tests/evaluation/test_languages.py."""
    import sys

    import pytest
    from allennlp.commands import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["allennlp", *args])
        main(prog="allennlp")


# Inputs every predictor must answer once each, in order: one word; a word that the tokenizer
# turns into no subword at all (U+200B); right-to-left scripts; CJK; scripts mixed in one input.
# (Inputs longer than the encoder's 512 positions are in each predictor's own tests.)
EDGE_CASE_SENTENCES = [
    ["Hallo"],
    ["a", "\u200b", "b"],
    ["مرحبا", "بالعالم", "!"],
    ["שלום", "עולם"],
    ["经济", "发展", "很", "快"],
    ["東京", "is", "большой", "مدينة", "नगर", "."],
]
