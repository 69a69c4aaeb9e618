"""Word vectors beyond the first subword: `subword_pooling` and `layers` of the word embedder.

Expected vectors are computed here from the encoder's raw hidden states at subword positions
picked by hand (or, for the sliding window, by a direct re-implementation of the window).
"""

from pathlib import Path
from typing import Optional

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.data import DatasetReader
from transformers import AutoTokenizer

from tests import FIXTURE_CONFIGS, TINY_MBERT, TINY_XLMR, UD_FIXTURES, conftest
from tests.modules.test_first_subword_embedder import batch_for, long_sentence
from xlt_allennlp.data.token_indexers import PretrainedTransformerFirstSubwordIndexer
from xlt_allennlp.modules.sliding_window import sliding_windows
from xlt_allennlp.modules.token_embedders import PretrainedTransformerFirstSubwordEmbedder

POOLINGS = ["first", "mean", "last", "first_last"]
HIDDEN = 64  # both tiny fixture encoders; 4 blocks, so 5 hidden states

# Words, the subwords the indexer gives them, and each word's subword positions (content
# positions, without the special start token), written out by hand. With `skip` the bare `▁`
# before `经济` and `walked` is in the input but not part of the word; with `first` it is.
XLMR_WORDS = ["的", "经济", "running", "。", "walked"]
XLMR_SKIP_PIECES = ["▁的", "▁", "经", "济", "▁ru", "n", "n", "i", "ng", "▁。", "▁", "w", "a", "l",
                    "k", "e", "d"]  # fmt: skip
CASES = {
    "wordpiece": (
        TINY_MBERT,
        "drop",
        ["Haus", "running", "walked", "。", "unbelievable"],
        [
            "Haus",
            "run",
            "##ning",
            "w",
            "##al",
            "##ked",
            "。",
            "un",
            "##bel",
            "##ie",
            "##va",
            "##ble",
        ],  # fmt: skip
        [[0], [1, 2], [3, 4, 5], [6], [7, 8, 9, 10, 11]],
    ),
    "sentencepiece-skip": (
        TINY_XLMR,
        "skip",
        XLMR_WORDS,
        XLMR_SKIP_PIECES,
        [[0], [2, 3], [4, 5, 6, 7, 8], [9], [11, 12, 13, 14, 15, 16]],
    ),
    "sentencepiece-drop": (
        TINY_XLMR,
        "drop",
        XLMR_WORDS,
        [piece for index, piece in enumerate(XLMR_SKIP_PIECES) if index not in (1, 10)],
        [[0], [1, 2], [3, 4, 5, 6, 7], [8], [9, 10, 11, 12, 13, 14]],
    ),
    "sentencepiece-first": (
        TINY_XLMR,
        "first",
        XLMR_WORDS,
        XLMR_SKIP_PIECES,
        [[0], [1, 2, 3], [4, 5, 6, 7, 8], [9], [10, 11, 12, 13, 14, 15, 16]],
    ),
}


def raw_hidden(embedder: PretrainedTransformerFirstSubwordEmbedder, ids: list[int]) -> torch.Tensor:
    """The encoder's output for `ids` between its special tokens, computed directly from its
    hidden states (the mix written out: gamma * sum softmax(w)_k h_k over the last K); returns
    the content positions only."""
    tokenizer = AutoTokenizer.from_pretrained(embedder.config.name_or_path)
    input_ids = torch.tensor([[tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]])
    output = embedder.transformer_model(input_ids=input_ids, output_hidden_states=True)
    mix = embedder.scalar_mix
    if mix is None:
        hidden = output.last_hidden_state[0]
    else:
        states = output.hidden_states[-len(mix.scalar_parameters) :]
        weights = torch.softmax(torch.cat([w.reshape(1) for w in mix.scalar_parameters]), dim=0)
        hidden = mix.gamma * sum(w * h[0] for w, h in zip(weights, states, strict=True))
    return hidden[1:-1]


def pooled(hidden: torch.Tensor, positions: list[int], pooling: str) -> torch.Tensor:
    first, last = hidden[positions[0]], hidden[positions[-1]]
    return {
        "first": first,
        "last": last,
        "mean": hidden[positions].sum(dim=0) / len(positions),
        "first_last": torch.cat([first, last]),
    }[pooling]


def scramble_mix(embedder: PretrainedTransformerFirstSubwordEmbedder) -> None:
    """Gives the layer mix weights far from uniform, so that a wrong layer would show."""
    mix = embedder.scalar_mix
    assert mix is not None
    with torch.no_grad():
        for index, weight in enumerate(mix.scalar_parameters):
            weight.fill_(0.7 * index - 1.0 + 0.3 * (index % 2))
        mix.gamma.fill_(1.7)


@pytest.mark.parametrize("layers", [None, "mix:3"])
@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("case", list(CASES))
def test_pooled_vectors_match_hand_picked_subwords(
    case: str, pooling: str, layers: Optional[str]
) -> None:
    model_name, space_markers, words, pieces, positions = CASES[case]
    indexer = PretrainedTransformerFirstSubwordIndexer(model_name, space_markers=space_markers)
    ids, offsets, last_offsets = indexer.subword_spans(words)
    assert AutoTokenizer.from_pretrained(model_name).convert_ids_to_tokens(ids) == pieces
    assert offsets == [p[0] for p in positions] and last_offsets == [p[-1] for p in positions]
    torch.manual_seed(0)
    embedder = PretrainedTransformerFirstSubwordEmbedder(
        model_name, subword_pooling=pooling, layers=layers
    )
    if layers is not None:
        scramble_mix(embedder)
    embedder.eval()
    with torch.no_grad():
        output = embedder(**batch_for(indexer, [words]))[0]
        hidden = raw_hidden(embedder, ids)
    width = 2 * HIDDEN if pooling == "first_last" else HIDDEN
    assert embedder.get_output_dim() == width and output.shape == (len(words), width)
    for index, word_positions in enumerate(positions):
        expected = pooled(hidden, word_positions, pooling)
        assert torch.allclose(output[index], expected, atol=1e-6, rtol=0), (words[index], pooling)


def test_the_poolings_differ_where_words_have_several_subwords() -> None:
    _, _, words, _, _ = CASES["wordpiece"]
    indexer = PretrainedTransformerFirstSubwordIndexer(TINY_MBERT)
    outputs = {}
    for pooling in ["first", "mean", "last"]:
        embedder = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT, subword_pooling=pooling)
        embedder.eval()
        with torch.no_grad():
            outputs[pooling] = embedder(**batch_for(indexer, [words]))[0]
    # "Haus" and "。" are one subword each: the same vector whatever the pooling.
    for one_piece in (0, 3):
        assert torch.equal(outputs["first"][one_piece], outputs["last"][one_piece])
        assert torch.allclose(outputs["first"][one_piece], outputs["mean"][one_piece], atol=1e-6)
    for several in (1, 2, 4):
        assert not torch.allclose(outputs["first"][several], outputs["mean"][several])
        assert not torch.allclose(outputs["first"][several], outputs["last"][several])


def reference_spans(
    model_name: str, space_markers: str, words: list[str]
) -> list[tuple[list[int], int]]:
    """Per word, its subword ids the slow obvious way and how many leading bare `▁` pieces are
    not part of it (none with `first`, and none for a word that is nothing else)."""
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    bare = tokenizer.convert_tokens_to_ids("▁") if "xlmr" in model_name else None
    spans = []
    for word in words:
        pieces = tokenizer.encode(word, add_special_tokens=False) or [tokenizer.unk_token_id]
        leading = 0
        while space_markers != "first" and leading < len(pieces) and pieces[leading] == bare:
            leading += 1
        if leading == len(pieces):
            leading = 0
        spans.append((pieces, leading))
    return spans


@pytest.mark.parametrize("pooling", ["mean", "first_last"])
@pytest.mark.parametrize(
    ("model_name", "space_markers"),
    [(TINY_MBERT, "drop"), (TINY_XLMR, "skip"), (TINY_XLMR, "drop")],
    ids=["wordpiece", "sentencepiece-skip", "sentencepiece-drop"],
)
def test_window_smaller_than_the_sentence_pools_each_subword_from_its_own_window(
    model_name: str, space_markers: str, pooling: str
) -> None:
    # Long words (many subwords) and CJK words (bare "▁" with SentencePiece) straddle windows of
    # 16 subwords (14 of content) that carry 6 subwords of context.
    words = (long_sentence()[:40] + ["Zusammenarbeit", "经济", "unbelievable", "。"] * 3)[:52]
    short_words = words[:5]
    indexer = PretrainedTransformerFirstSubwordIndexer(model_name, space_markers=space_markers)
    torch.manual_seed(0)
    embedder = PretrainedTransformerFirstSubwordEmbedder(
        model_name, max_length=16, context=6, subword_pooling=pooling, layers="mix:2"
    )
    scramble_mix(embedder)
    embedder.eval()
    with torch.no_grad():
        output = embedder(**batch_for(indexer, [words, short_words]))
    # Every word exactly once.
    assert output.shape == (2, len(words), embedder.get_output_dim())

    # Direct computation: the word's subwords from the reference tokenization, each subword's
    # vector from the one window in which it is new, encoded alone.
    ids: list[int] = []
    positions: list[list[int]] = []
    for pieces, leading in reference_spans(model_name, space_markers, words):
        kept = pieces[leading:] if space_markers == "drop" else pieces
        start = len(ids) + (0 if space_markers == "drop" else leading)
        ids.extend(kept)
        positions.append(list(range(start, len(ids))))
    assert indexer.subword_ids(words)[0] == ids
    windows = sliding_windows(len(ids), 14, 6)
    owner = {p: w for w in windows for p in range(w.owned_start, w.end)}
    assert len(windows) >= 6 and sorted(owner) == list(range(len(ids)))
    straddling = [p for p in positions if owner[p[0]] != owner[p[-1]]]
    assert len(straddling) >= 2  # words whose subwords come from two windows
    with torch.no_grad():
        hidden_by_window = {w: raw_hidden(embedder, ids[w.start : w.end]) for w in windows}
    subword_vectors = torch.stack([hidden_by_window[owner[p]][p - owner[p].start] for p in owner])
    for index, word_positions in enumerate(positions):
        expected = pooled(subword_vectors, word_positions, pooling)
        assert torch.allclose(output[0, index], expected, atol=1e-5), index
    # The short row: its own values, zero vectors for its padding words.
    with torch.no_grad():
        alone = embedder(**batch_for(indexer, [short_words]))[0]
    assert torch.allclose(alone, output[1, : len(short_words)], atol=1e-5)
    assert output[1, len(short_words) :].abs().sum() == 0


def test_pooling_other_than_first_needs_the_last_subwords() -> None:
    embedder = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT, subword_pooling="mean")
    ones = torch.ones(1, 3, dtype=torch.bool)
    with pytest.raises(ValueError, match="last_offsets"):
        embedder(torch.tensor([[5, 6, 7]]), ones, torch.tensor([[0, 1, 2]]), ones)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"subword_pooling": "max"}, "subword_pooling must be one of"),
        ({"layers": "mix:6"}, "K from 1 to 5"),
        ({"layers": "mix:0"}, "K from 1 to 5"),
        ({"layers": "all"}, "layers must be"),
        ({"layers": "last", "last_layer_only": False}, "contradicts"),
    ],
)
def test_bad_options_are_configuration_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT, **kwargs)


def test_mix_counts_and_defaults() -> None:
    def mixed(**kwargs: object) -> Optional[int]:
        mix = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT, **kwargs).scalar_mix
        return None if mix is None else len(mix.scalar_parameters)

    assert mixed() is None and mixed(layers="last") is None  # the paper's: last layer only
    assert mixed(layers="mix:1") == 1 and mixed(layers="mix:5") == 5
    assert mixed(last_layer_only=False) == 5  # the feature mode's mix of all hidden states
    assert mixed(last_layer_only=False, layers="mix:2") == 2


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["wordpiece", "sentencepiece"])
def test_fine_tuning_trains_the_mix_and_the_encoder(encoder: str) -> None:
    ext_vars = {"encoder": encoder, "batch_size": "8", "subword_pooling": "mean",
                "layers": "mix:4"}  # fmt: skip
    model, before, optimizer = conftest.one_training_step(
        "pos.jsonnet", UD_FIXTURES / "en_dev.conllu", ext_vars
    )
    embedder = model.text_field_embedder.token_embedder_tokens
    assert embedder.subword_pooling == "mean" and not embedder.eval_mode
    mix = embedder.scalar_mix
    assert mix is not None and len(mix.scalar_parameters) == 4
    name_of = {id(p): name for name, p in model.named_parameters()}
    optimizer_ids = {id(p) for group in optimizer.param_groups for p in group["params"]}
    for parameter in [*mix.scalar_parameters, mix.gamma]:
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0
        assert id(parameter) in optimizer_ids
        assert not torch.equal(parameter, before[name_of[id(parameter)]])
    # Fine-tuning: the encoder trains too, down to the layers below the mix.
    embeddings = embedder.transformer_model.embeddings.word_embeddings.weight
    assert embeddings.grad is not None and embeddings.grad.abs().sum() > 0
    assert not torch.equal(embeddings, before[name_of[id(embeddings)]])


def test_first_last_sizes_the_tagger_parser_and_feature_lstm() -> None:
    model, _, _ = conftest.one_training_step(
        "pos.jsonnet", UD_FIXTURES / "en_dev.conllu", {"subword_pooling": "first_last"}
    )
    assert model.text_field_embedder.get_output_dim() == 2 * HIDDEN
    assert model.tag_projection_layer._module.in_features == 2 * HIDDEN
    parser, _, _ = conftest.one_training_step(
        "parsing.jsonnet",
        UD_FIXTURES / "en_dev.conllu",
        {"subword_pooling": "first_last", "layers": "mix:2", "batch_size": "8"},
    )
    assert parser.text_field_embedder.get_output_dim() == 2 * HIDDEN
    assert parser.head_arc_feedforward.get_input_dim() == 2 * HIDDEN
    mix = parser.text_field_embedder.token_embedder_tokens.scalar_mix
    assert mix is not None and all(w.grad is not None for w in mix.scalar_parameters)
    feature, _, _ = conftest.one_training_step(
        "pos.jsonnet",
        UD_FIXTURES / "en_dev.conllu",
        {"mode": "feature", "subword_pooling": "first_last", "layers": "mix:3"},
    )
    assert feature.encoder.get_input_dim() == 2 * HIDDEN
    feature_mix = feature.text_field_embedder.token_embedder_tokens.scalar_mix
    assert feature_mix is not None and len(feature_mix.scalar_parameters) == 3


def test_tagger_with_a_small_window_predicts_every_word_once() -> None:
    ext_vars = {"subword_pooling": "mean", "layers": "mix:4", "max_length": "12",
                "context": "4", "batch_size": "8"}  # fmt: skip
    model, _, _ = conftest.one_training_step("pos.jsonnet", UD_FIXTURES / "en_dev.conllu", ext_vars)
    with conftest.ext_vars_set(ext_vars):
        params = Params.from_file(str(FIXTURE_CONFIGS / "pos.jsonnet"))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    instances = sorted(
        reader.read(str(UD_FIXTURES / "de_test.conllu")), key=lambda i: -len(i["tokens"])
    )[:6]
    for instance in instances:
        instance.index_fields(model.vocab)
    assert len(instances[0]["tokens"]) > 100  # dozens of windows of 10 subwords
    model.eval()
    for instance, output in zip(instances, model.forward_on_instances(instances), strict=True):
        assert len(output["tags"]) == len(instance["tokens"])


def test_recipe_ext_vars_reach_every_word_level_task() -> None:
    for config in ["pos.jsonnet", "ner.jsonnet", "parsing.jsonnet"]:
        with conftest.ext_vars_set({}):
            default = Params.from_file(str(FIXTURE_CONFIGS / config)).as_dict()
        tokens = default["model"]["text_field_embedder"]["token_embedders"]["tokens"]
        # The default word vector: first and last subword, mix of the last 4 layers (measured).
        assert (tokens["subword_pooling"], tokens["layers"]) == ("first_last", "mix:4")
        with conftest.ext_vars_set({"paper": "true"}):
            paper = Params.from_file(str(FIXTURE_CONFIGS / config)).as_dict()
        # The paper's recipe adds nothing to the embedder: first subword, last layer.
        tokens = paper["model"]["text_field_embedder"]["token_embedders"]["tokens"]
        assert "subword_pooling" not in tokens and "layers" not in tokens
        with conftest.ext_vars_set({"subword_pooling": "first_last", "layers": "mix:4"}):
            params = Params.from_file(str(FIXTURE_CONFIGS / config)).as_dict()
        tokens = params["model"]["text_field_embedder"]["token_embedders"]["tokens"]
        assert tokens["subword_pooling"] == "first_last" and tokens["layers"] == "mix:4"
    with conftest.ext_vars_set({"mode": "feature", "layers": "last"}):
        with pytest.raises(Exception, match="layers=last cannot be combined with mode=feature"):
            Params.from_file(str(FIXTURE_CONFIGS / "pos.jsonnet"))


def test_pos_tagger_learns_with_mean_pooling_and_a_layer_mix(tmp_path: Path) -> None:
    metrics = conftest.train_config(
        "pos.jsonnet",
        tmp_path / "run",
        {**conftest.TINY_TRAINING, "subword_pooling": "mean", "layers": "mix:4"},
    )
    assert metrics["best_validation_accuracy"] >= 0.95


@pytest.mark.parametrize(("layers", "mixed"), [("mix:2", [3, 4]), ("mix:5", [0, 1, 2, 3, 4])])
def test_layer_weights_name_the_hidden_states_a_mix_of_the_last_k_weighs(
    layers: str, mixed: list[int]
) -> None:
    from xlt_allennlp.training import layer_weights

    embedder = PretrainedTransformerFirstSubwordEmbedder(TINY_MBERT, layers=layers)  # 4 blocks
    (mix,) = layer_weights(embedder).values()
    assert mix["layers"] == mixed and len(mix["layer_weights"]) == len(mixed)

