from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_ROOT = PROJECT_ROOT / "fixtures"
UD_FIXTURES = FIXTURES_ROOT / "data" / "ud"
NER_FIXTURES = FIXTURES_ROOT / "data" / "ner"
MLDOC_FIXTURES = FIXTURES_ROOT / "data" / "mldoc"
XNLI_FIXTURES = FIXTURES_ROOT / "data" / "xnli"
TINY_MBERT = str(FIXTURES_ROOT / "encoders" / "tiny-mbert")
TINY_XLMR = str(FIXTURES_ROOT / "encoders" / "tiny-xlmr")
FIXTURE_CONFIGS = FIXTURES_ROOT / "configs"  # the task configs on the fixture data
