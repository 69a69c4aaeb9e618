"""Every encoder family the package claims, end to end on its tiny fixture encoder.

BERT/WordPiece (mBERT), XLM-R/SentencePiece, byte-level BPE (RoBERTa), DeBERTa-v2 (mDeBERTa)
and ModernBERT (mmBERT, with a Gemma-style BPE): the layers found for freezing, the position
limit, token type ids, the layer mix over L + 1 hidden states, the first subword of each word,
and all five task configs trained and used for prediction with `allennlp`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from tests import (
    FAMILY_ENCODERS,
    FIXTURES_ROOT,
    PROJECT_ROOT,
    TINY_MBERT,
    TINY_MDEBERTA,
    TINY_MODERNBERT,
    TINY_ROBERTA,
    TINY_XLMR,
    UD_FIXTURES,
    allennlp_cli,
    conftest,
)
from xlt_allennlp.data.token_indexers.first_subword_indexer import (
    PretrainedTransformerFirstSubwordIndexer,
)
from xlt_allennlp.modules.encoder_families import (
    encoder_layout,
    max_positions,
    reads_token_type_ids,
)
from xlt_allennlp.modules.token_embedders import PretrainedTransformerFirstSubwordEmbedder
from xlt_allennlp.modules.transformer_backbone import TransformerBackbone

# Hand-written: the parameter-name prefixes of layer 0 (embeddings) and of the last block.
LAYER_0 = {
    "bert": ("embeddings.",),
    "xlmr": ("embeddings.",),
    "roberta": ("embeddings.",),
    "mdeberta": ("embeddings.", "encoder.rel_embeddings.", "encoder.LayerNorm."),
    "modernbert": ("embeddings.",),
}
LAST_LAYER = {
    "bert": ("encoder.layer.3.",),
    "xlmr": ("encoder.layer.3.",),
    "roberta": ("encoder.layer.3.",),
    "mdeberta": ("encoder.layer.3.",),
    "modernbert": ("layers.3.", "final_norm."),
}


@pytest.mark.parametrize("family", FAMILY_ENCODERS)
def test_layers_are_found_for_every_family(family: str) -> None:
    model = AutoModel.from_pretrained(FAMILY_ENCODERS[family])
    layout = encoder_layout(model)
    assert len(layout.layers) == 5  # the embedding layer + 4 blocks
    name_of = {id(p): name for name, p in model.named_parameters()}
    layer_names = [{name_of[id(p)] for p in layout.parameters(i)} for i in range(5)]
    assert {n for n in layer_names[0] if not n.startswith(LAYER_0[family])} == set()
    assert {p for n in layer_names[0] for p in LAYER_0[family] if n.startswith(p)} == set(
        LAYER_0[family]
    )
    assert {n for n in layer_names[4] if not n.startswith(LAST_LAYER[family])} == set()
    assert {p for n in layer_names[4] for p in LAST_LAYER[family] if n.startswith(p)} == set(
        LAST_LAYER[family]
    )
    # Every parameter but a pooler's is in exactly one layer.
    counted = [name for names in layer_names for name in names]
    assert len(counted) == len(set(counted))
    assert set(counted) == {n for n in name_of.values() if not n.startswith("pooler.")}


def test_position_limits_and_token_types() -> None:
    limits = {name: max_positions(AutoModel.from_pretrained(path).config) for name, path in
              FAMILY_ENCODERS.items()}  # fmt: skip
    assert limits == {
        "bert": 512,
        "xlmr": 512,  # 514 position embeddings, ids start after the padding index
        "roberta": 512,
        "mdeberta": 512,
        "modernbert": 8192,
    }
    reads = {name: reads_token_type_ids(AutoModel.from_pretrained(path)) for name, path in
             FAMILY_ENCODERS.items()}  # fmt: skip
    assert reads == {
        "bert": True,
        "xlmr": True,
        "roberta": True,
        "mdeberta": False,
        "modernbert": False,
    }


@pytest.mark.parametrize(("family", "limit"), [("roberta", 512), ("modernbert", 8192)])
def test_sliding_window_fits_the_position_limit(family: str, limit: int) -> None:
    embedder = PretrainedTransformerFirstSubwordEmbedder(
        FAMILY_ENCODERS[family], max_length=limit, context=64
    )
    assert embedder.max_positions == limit
    with pytest.raises(ValueError, match=f"exceeds what .* can encode \\({limit} positions"):
        PretrainedTransformerFirstSubwordEmbedder(FAMILY_ENCODERS[family], max_length=limit + 1)


@pytest.mark.parametrize("family", FAMILY_ENCODERS)
def test_layer_mix_sees_every_hidden_state(family: str) -> None:
    backbone = TransformerBackbone(FAMILY_ENCODERS[family], layers="mix:5")
    assert backbone.scalar_mix is not None and len(backbone.scalar_mix.scalar_parameters) == 5
    ids = torch.tensor([[5, 6, 7, 8]])
    output = backbone.encode(ids, torch.ones_like(ids, dtype=torch.bool))
    assert output.shape == (1, 4, 64)
    # A pair's type ids are fed where the model has type embeddings, left out where it has none.
    # (XLM-R and RoBERTa have one type: a second is an error.)
    type_ids = torch.tensor([[0, 0, 1, 1]])
    if not reads_token_type_ids(backbone.transformer_model):
        assert torch.equal(backbone.encode(ids, ids > 0, type_ids), output)
    elif backbone.config.type_vocab_size == 1:
        with pytest.raises(ValueError, match="type ids too large"):
            backbone.encode(ids, ids > 0, type_ids)
    else:
        assert not torch.equal(backbone.encode(ids, ids > 0, type_ids), output)


# Hand-checked first pieces of ["The", "house", "经济", "Müller"] (space_markers=drop): every
# word starts as it would after a space in running text, a bare marker dropped.
FIRST_PIECES = {
    "bert": ["The", "house", "经", "Mü"],
    "xlmr": ["▁The", "▁house", "经", "M"],
    "roberta": ["ĠThe", "Ġhouse", "Ġç", "ĠM"],
    "mdeberta": ["▁The", "▁house", "经", "M"],
    "modernbert": ["▁The", "▁house", "经", "▁M"],
}


@pytest.mark.parametrize("family", FAMILY_ENCODERS)
def test_first_subword_of_each_word(family: str) -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(FAMILY_ENCODERS[family])
    ids, offsets = indexer.subword_ids(["The", "house", "经济", "Müller"])
    pieces = AutoTokenizer.from_pretrained(FAMILY_ENCODERS[family]).convert_ids_to_tokens(ids)
    assert [pieces[offset] for offset in offsets] == FIRST_PIECES[family]


def test_pooler_free_checkpoint_loads_without_a_report(tmp_path: Path) -> None:
    # An encoder saved without its pooler (most MLM checkpoints: XLM-R, multilingual-e5) is built
    # without one, so transformers has nothing to report; one with pooler weights loads them.
    without = tmp_path / "no-pooler"
    model = AutoModel.from_pretrained(TINY_MBERT)
    model.pooler = None
    model.save_pretrained(without)
    AutoTokenizer.from_pretrained(TINY_MBERT).save_pretrained(without)
    code = (
        "from xlt_allennlp.modules.transformer_backbone import TransformerBackbone\n"
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    assert TransformerBackbone(path).transformer_model.pooler is None\n"
    )
    env = {**os.environ, "TRANSFORMERS_VERBOSITY": "info"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(without), TINY_XLMR],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    for noise in ("MISSING", "UNEXPECTED", "newly initialized", "TRAIN this model"):
        assert noise not in result.stderr


UD = FIXTURES_ROOT / "data" / "ud"
TASKS = {
    # config: (train/dev file, target-language file for `allennlp predict`)
    "pos": (UD / "en_dev.conllu", UD / "de_test.conllu"),
    "parsing": (UD / "en_dev.conllu", UD / "zh_test.conllu"),
    "ner": (FIXTURES_ROOT / "data/ner/en_dev.conll", FIXTURES_ROOT / "data/ner/zh_test.conll"),
    "mldoc": (FIXTURES_ROOT / "data/mldoc/en_dev.txt", FIXTURES_ROOT / "data/mldoc/ja_test.txt"),
    "xnli": (
        FIXTURES_ROOT / "data/xnli/multinli_dev_matched.jsonl",
        FIXTURES_ROOT / "data/xnli/xnli.test.tsv",
    ),
}
NEW_FAMILIES = {"roberta": TINY_ROBERTA, "mdeberta": TINY_MDEBERTA, "modernbert": TINY_MODERNBERT}


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_every_task_trains_and_predicts(
    family: str, task: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # BERT and XLM-R train every task throughout the suite; here the other families do.
    train, target = TASKS[task]
    settings = {"encoder": NEW_FAMILIES[family], "train_path": str(train),
                "dev_path": str(train), "epochs": "1", "batch_size": "8"}  # fmt: skip
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(PROJECT_ROOT)
    allennlp_cli("train", f"fixtures/configs/{task}.jsonnet", "-s", str(tmp_path / "run"))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["training_loss"] > 0 and metrics["epoch"] == 0
    output = tmp_path / "predictions.jsonl"
    allennlp_cli("predict", str(tmp_path / "run" / "model.tar.gz"), str(target),
                 "--use-dataset-reader", "--silent", "--output-file", str(output))  # fmt: skip
    # One prediction per input (CoNLL-U / CoNLL blocks for word-level tasks, JSON lines else).
    text = output.read_text(encoding="utf-8")
    if task in ("mldoc", "xnli"):
        inputs = target.read_text(encoding="utf-8").splitlines()[target.suffix == ".tsv" :]
        assert len(text.splitlines()) == len(inputs)
        assert all(json.loads(line)["label"] for line in text.splitlines())
    else:
        blocks = [b for b in text.split("\n\n") if b.strip()]
        inputs = [b for b in target.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        assert len(blocks) == len(inputs)


@pytest.mark.parametrize("family", ["bert", "modernbert"])
def test_gradient_checkpointing_gives_the_same_gradients(family: str) -> None:
    ids = torch.tensor([[5, 6, 7, 8, 9]])
    gradients = []
    for checkpointing in (False, True):
        backbone = TransformerBackbone(
            FAMILY_ENCODERS[family], freeze_layers=1, gradient_checkpointing=checkpointing
        )
        backbone.train()
        backbone.transformer_model.eval()  # no dropout: the two runs must compute the same
        backbone.transformer_model.train(checkpointing)  # checkpointing acts in training only
        for module in backbone.transformer_model.modules():
            if isinstance(module, torch.nn.Dropout):
                module.p = 0.0
        backbone.encode(ids, torch.ones_like(ids, dtype=torch.bool)).sum().backward()
        assert backbone.transformer_model.is_gradient_checkpointing == checkpointing
        gradients.append(
            {n: p.grad for n, p in backbone.transformer_model.named_parameters() if p.requires_grad}
        )
    assert gradients[0].keys() == gradients[1].keys() and gradients[0]
    for name, gradient in gradients[0].items():
        assert torch.allclose(gradient, gradients[1][name], atol=1e-6), name


# A word whose first piece is a bare word-start marker: what each `space_markers` mode keeps.
BARE_MARKER_WORDS = {
    "xlmr": ("经济", {"drop": "经", "skip": "经", "first": "▁"}),
    "roberta": ("\u200b", {"drop": "â", "skip": "â", "first": "Ġ"}),
    "mdeberta": ("经济", {"drop": "经", "skip": "经", "first": "▁"}),
    "modernbert": ("经济", {"drop": "经", "skip": "经", "first": "▁"}),
}


@pytest.mark.parametrize("mode", ["drop", "skip", "first"])
@pytest.mark.parametrize("family", BARE_MARKER_WORDS)
def test_bare_space_markers(family: str, mode: str) -> None:
    word, expected = BARE_MARKER_WORDS[family]
    indexer = PretrainedTransformerFirstSubwordIndexer(FAMILY_ENCODERS[family], space_markers=mode)
    ids, offsets = indexer.subword_ids(["a", word])
    pieces = AutoTokenizer.from_pretrained(FAMILY_ENCODERS[family]).convert_ids_to_tokens(ids)
    assert pieces[offsets[1]] == expected[mode]
    marker = "Ġ" if family == "roberta" else "▁"
    assert (marker in pieces[offsets[0] + 1 :]) == (mode != "drop")  # dropped from the input


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_feature_mode_mixes_every_hidden_state_of_a_frozen_encoder(family: str) -> None:
    ext_vars = {"encoder": NEW_FAMILIES[family], "mode": "feature", "batch_size": "8"}
    model, before, _ = conftest.one_training_step(
        "pos.jsonnet", UD_FIXTURES / "en_dev.conllu", ext_vars
    )
    embedder = model.text_field_embedder.token_embedder_tokens
    assert len(embedder.scalar_mix.scalar_parameters) == 5  # embeddings + 4 blocks
    for name, parameter in embedder.transformer_model.named_parameters():
        assert not parameter.requires_grad and torch.equal(
            parameter, before[f"text_field_embedder.token_embedder_tokens.transformer_model.{name}"]
        ), name
