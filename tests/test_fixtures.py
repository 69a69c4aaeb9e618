"""Checks the shipped fixtures: the synthetic UD treebanks and the two tiny encoders.

Regenerate them with
`.venv/bin/python fixtures/make_ud_fixtures.py && .venv/bin/python fixtures/make_tiny_encoders.py`.
"""

from __future__ import annotations

from pathlib import Path

import conllu
import pytest
import torch
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerFast

from tests import FAMILY_ENCODERS, FIXTURES_ROOT, TINY_MBERT, TINY_XLMR, UD_FIXTURES

CONLLU_FILES = sorted((FIXTURES_ROOT / "data").rglob("*.conllu"))
TEST_LANGUAGES = ["en", "de", "es", "fr", "ru", "ar", "hi", "zh"]
UPOS = set("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())
# A fixture word or two per script, for the tokenizer coverage check.
SCRIPT_SAMPLES = {
    "latin": "Der Junge sieht el niño y la niña.",
    "cyrillic": "Мальчик читает книгу.",
    "arabic": "الولد يقرأ الكتاب.",
    "devanagari": "लड़का किताब पढ़ता है।",
    "cjk": "男孩读了书。",
}


def words(sentence: conllu.TokenList) -> list[dict]:
    """Syntactic words of a sentence: no multiword-token ranges, no empty nodes."""
    return [token for token in sentence if isinstance(token["id"], int)]


def read(path: Path) -> list[conllu.TokenList]:
    """All sentences of a CoNLL-U file."""
    with path.open(encoding="utf-8") as handle:
        return list(conllu.parse_incr(handle))


def test_expected_files_exist() -> None:
    names = {path.name for path in UD_FIXTURES.glob("*.conllu")}
    expected = {"en_train.conllu", "en_dev.conllu", "en_edge_cases.conllu"}
    expected |= {f"{code}_test.conllu" for code in TEST_LANGUAGES}
    assert expected <= names


@pytest.mark.parametrize("path", CONLLU_FILES, ids=lambda path: path.name)
def test_conllu_file_is_a_valid_treebank(path: Path) -> None:
    raw = path.read_bytes()
    assert raw.endswith(b"\n\n") and b"\r" not in raw
    sentences = read(path)
    assert sentences
    sent_ids = [sentence.metadata["sent_id"] for sentence in sentences]
    assert len(set(sent_ids)) == len(sent_ids)
    for sentence in sentences:
        assert "text" in sentence.metadata
        tokens = words(sentence)
        assert [token["id"] for token in tokens] == list(range(1, len(tokens) + 1))
        heads = {token["id"]: token["head"] for token in tokens}
        roots = [token for token in tokens if token["head"] == 0]
        assert len(roots) == 1 and roots[0]["deprel"] == "root", sentence.metadata["sent_id"]
        for token in tokens:
            assert token["upos"] in UPOS
            assert 0 <= token["head"] <= len(tokens)
            assert (token["head"] == 0) == (token["deprel"] == "root")
            # Following heads from any word reaches the root without a cycle.
            seen, node = set(), token["id"]
            while node != 0:
                assert node not in seen, f"cycle in {sentence.metadata['sent_id']}"
                seen.add(node)
                node = heads[node]


@pytest.mark.parametrize("code", [c for c in TEST_LANGUAGES])
def test_each_test_file_has_one_very_long_sentence(code: str) -> None:
    lengths = [len(words(sentence)) for sentence in read(UD_FIXTURES / f"{code}_test.conllu")]
    assert sum(length >= 300 for length in lengths) == 1
    assert len(lengths) == 60


def test_english_training_data_sizes_and_relations() -> None:
    train = read(UD_FIXTURES / "en_train.conllu")
    dev = read(UD_FIXTURES / "en_dev.conllu")
    assert (len(train), len(dev)) == (300, 60)
    assert all(3 <= len(words(sentence)) <= 20 for sentence in train + dev)
    relations = {token["deprel"] for sentence in train for token in words(sentence)}
    assert {"nsubj", "obj", "det", "amod", "case", "obl", "nmod", "punct"} <= relations
    assert {"nmod:poss", "obl:tmod", "acl:relcl", "compound:prt"} <= relations


@pytest.mark.parametrize("code", ["de", "es", "fr"])
def test_multiword_tokens_match_the_text(code: str) -> None:
    sentences = read(UD_FIXTURES / f"{code}_test.conllu")
    with_ranges = [s for s in sentences if any(isinstance(t["id"], tuple) for t in s)]
    assert len(with_ranges) >= 5
    for sentence in with_ranges:
        for token in sentence:
            if isinstance(token["id"], tuple) and token["id"][1] == "-":
                assert token["form"] in sentence.metadata["text"]


def test_edge_cases_file() -> None:
    sentences = read(UD_FIXTURES / "en_edge_cases.conllu")
    ids = [token["id"] for sentence in sentences for token in sentence]
    assert (5, ".", 1) in ids  # an empty node
    assert (3, "-", 4) in ids  # a multiword token
    zero_width = [t for s in sentences for t in words(s) if t["form"] == "\u200b"]
    assert len(zero_width) == 1 and zero_width[0]["upos"] == "SYM"


@pytest.mark.parametrize("path", FAMILY_ENCODERS.values(), ids=FAMILY_ENCODERS.keys())
def test_encoder_loads_offline_and_runs(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    config = AutoConfig.from_pretrained(path)
    assert (config.hidden_size, config.num_hidden_layers) == (64, 4)
    tokenizer = AutoTokenizer.from_pretrained(path)
    assert isinstance(tokenizer, PreTrainedTokenizerFast)
    assert tokenizer.model_max_length == (8192 if config.model_type == "modernbert" else 512)
    assert len(tokenizer) == config.vocab_size
    model = AutoModel.from_pretrained(path).eval()
    batch = tokenizer(list(SCRIPT_SAMPLES.values()), padding=True, return_tensors="pt")
    with torch.no_grad():
        output = model(**batch, output_hidden_states=True)
    assert output.last_hidden_state.shape[-1] == 64
    assert len(output.hidden_states) == 5  # embeddings + 4 layers
    assert (Path(path) / "model.safetensors").is_file()


@pytest.mark.parametrize("script", sorted(SCRIPT_SAMPLES))
def test_tiny_mbert_has_no_unknown_pieces(script: str) -> None:
    tokenizer = AutoTokenizer.from_pretrained(TINY_MBERT)
    ids = tokenizer(SCRIPT_SAMPLES[script])["input_ids"]
    assert tokenizer.unk_token_id not in ids
    assert len(ids) > 2


def test_tiny_mbert_covers_every_fixture_word() -> None:
    tokenizer = AutoTokenizer.from_pretrained(TINY_MBERT)
    forms = sorted(
        {
            token["form"]
            for code in TEST_LANGUAGES
            for sentence in read(UD_FIXTURES / f"{code}_test.conllu")
            for token in sentence
        }
    )
    encoded = tokenizer(forms, add_special_tokens=False)["input_ids"]
    unknown = [
        form for form, ids in zip(forms, encoded, strict=True) if tokenizer.unk_token_id in ids
    ]
    assert not unknown


def test_tiny_xlmr_tokenizes_every_script() -> None:
    tokenizer = AutoTokenizer.from_pretrained(TINY_XLMR)
    for text in SCRIPT_SAMPLES.values():
        ids = tokenizer(text)["input_ids"]
        assert ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id
        assert tokenizer.unk_token_id not in ids
