"""Sliding-window transformer embedder: one vector per word, pooled from its subwords."""

from typing import Any, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.modules.token_embedders import TokenEmbedder
from allennlp.nn import util

from xlt_allennlp.modules.sliding_window import sliding_windows
from xlt_allennlp.modules.transformer_backbone import TransformerBackbone, rename_state_dict_keys

SUBWORD_POOLING_MODES = ("first", "mean", "last", "first_last")


@TokenEmbedder.register("pretrained_transformer_first_subword")
class PretrainedTransformerFirstSubwordEmbedder(TransformerBackbone, TokenEmbedder):
    """Embeds words with a transformer: one vector per word, by default its FIRST subword's.

    Registered as a `TokenEmbedder` with name "pretrained_transformer_first_subword". Use it with
    the indexer of the same name, which says where each word's subwords are (a bare SentencePiece
    space marker that the indexer skips or drops is not one of them, see its `space_markers`).
    Sequences longer than `max_length` subwords (special tokens included) are encoded with the
    sliding window of Wu & Dredze (2019): the first window holds the first subwords that fit,
    every later window repeats the last `context` subwords of the previous one as left context and
    adds new subwords after them. Each subword's vector comes from the one window in which it is
    new, and each word's vector is pooled from its subwords' vectors, so every word is represented
    (and predicted) exactly once, whatever its length. allennlp's
    `pretrained_transformer_mismatched` embedder folds long inputs into NON-overlapping chunks
    instead, which is why this embedder exists. The encoder set-up (loading, freezing, layer
    mixing) is `xlt_allennlp.modules.transformer_backbone.TransformerBackbone`'s.

    ```jsonnet
    "token_embedders": {"tokens": {"type": "pretrained_transformer_first_subword",
                                   "model_name": "bert-base-multilingual-cased",
                                   "max_length": 128, "context": 64, "freeze_layers": 3,
                                   "subword_pooling": "mean", "layers": "mix:4"}}
    ```

    # Parameters

    model_name : `str`
        A Hugging Face encoder name or local path; the same as the indexer's.
    max_length : `int`, optional (default = `128`)
        Subwords per window, the encoder's special tokens included (the paper's 128); at most
        what the encoder's position embeddings allow.
    context : `int`, optional (default = `64`)
        Subwords of the previous window repeated as left context in every later window; fewer
        than a window holds besides its special tokens.
    subword_pooling : `str`, optional (default = `"first"`)
        How a word's vector is made from its subwords' vectors: `"first"` (its first subword,
        the paper's), `"mean"` (the mean over all its subwords), `"last"` (its last subword) or
        `"first_last"` (first and last concatenated: the output is twice the encoder's hidden
        size, and `get_output_dim()` says so). The pooling is applied to the (mixed) vectors of
        `layers`.
    train_parameters : `bool`, optional (default = `True`)
        `False` freezes the whole encoder (a fixed feature extractor).
    freeze_layers : `int`, optional (default = `-1`)
        Hard freezing of the bottom of the encoder: -1 freezes nothing, 0 the embedding layer, n
        the embeddings and the n lowest blocks (n up to the number of blocks).
    last_layer_only : `bool`, optional (default = `True`)
        `False`: the output is a learned softmax-weighted, scaled mix of ALL hidden states, the
        embedding layer included (13 for a 12-layer encoder; allennlp's own mix leaves it out):
        the feature-based mode's.
    layers : `str`, optional (default = `None`)
        Which hidden states make the output: `"last"` (the last layer, the paper's) or `"mix:K"`,
        a learned softmax-weighted, scaled mix (allennlp's `ScalarMix`) of the last K hidden
        states, K from 1 to L + 1 (the blocks and the embedding layer), trained with the model
        whether the encoder is fine-tuned or frozen. `None`: what `last_layer_only` says.
        `"mix:K"` with `last_layer_only: false` mixes the last K; `"last"` with it is an error.
    eval_mode : `bool`, optional (default = `None`)
        Keep the encoder in eval mode (no dropout) while training. `None`: exactly when no
        encoder parameter is trained. A fully frozen encoder also runs without autograd.
    reinit_modules : `Union[int, Tuple[int, ...], Tuple[str, ...]]`, optional (default = `None`)
        Re-initialize modules after loading, as allennlp's `pretrained_transformer` embedder does:
        an int re-initializes the last that many blocks, a tuple of ints the blocks with those
        indices, a tuple of strings the modules whose names match those regexes.
    override_weights_file : `str`, optional (default = `None`)
        A PyTorch state dict (`torch.save`) loaded over the Hugging Face weights.
    override_weights_strip_prefix : `str`, optional (default = `None`)
        A prefix removed from the keys of `override_weights_file`.
    load_weights : `bool`, optional (default = `True`)
        `False` builds the encoder from its config without loading pretrained weights (e.g. when
        loading an archive, which holds all weights).
    gradient_checkpointing : `bool`, optional (default = `None`)
        `True` recomputes each encoder block's activations in the backward pass instead of
        keeping them (transformers' `gradient_checkpointing_enable`): less memory for long
        inputs, about a third more compute. Same gradients.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for `AutoTokenizer.from_pretrained`; the tokenizer's vocabulary size sets
        the size of the encoder's embedding matrix (resized if they differ).
    transformer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Extra arguments for `AutoModel.from_pretrained`.
    """

    def __init__(
        self,
        model_name: str,
        *,
        max_length: int = 128,
        context: int = 64,
        subword_pooling: str = "first",
        **kwargs: Any,
    ) -> None:
        if subword_pooling not in SUBWORD_POOLING_MODES:
            raise ConfigurationError(
                f"subword_pooling must be one of {', '.join(SUBWORD_POOLING_MODES)}; "
                f"got {subword_pooling!r}"
            )
        super().__init__(model_name, **kwargs)
        self._subword_pooling = subword_pooling
        self._start_ids = [token.text_id for token in self.tokenizer.single_sequence_start_tokens]
        self._end_ids = [token.text_id for token in self.tokenizer.single_sequence_end_tokens]
        pad_id = self.tokenizer.tokenizer.pad_token_id
        self._pad_id = 0 if pad_id is None else pad_id
        if self.max_positions is not None and max_length > self.max_positions:
            raise ValueError(
                f"max_length={max_length} exceeds what {model_name!r} can encode "
                f"({self.max_positions} positions)"
            )
        self._window_content = max_length - len(self._start_ids) - len(self._end_ids)
        self._context = context
        sliding_windows(0, self._window_content, context)  # validates the two sizes early
        # Archives written before the backbone existed hold the encoder under
        # `_matched_embedder.` (an allennlp embedder inside this one).
        self._register_load_state_dict_pre_hook(self._rename_legacy_keys)

    @property
    def subword_pooling(self) -> str:
        return self._subword_pooling

    def get_output_dim(self) -> int:
        return 2 * self.output_dim if self._subword_pooling == "first_last" else self.output_dim

    @staticmethod
    def _rename_legacy_keys(state_dict: dict[str, torch.Tensor], prefix: str, *_: Any) -> None:
        rename_state_dict_keys(
            state_dict, prefix, {"_matched_embedder.transformer_model.": "transformer_model."}
        )

    def forward(
        self,
        token_ids: torch.LongTensor,
        mask: torch.BoolTensor,
        offsets: torch.LongTensor,
        wordpiece_mask: torch.BoolTensor,
        type_ids: Optional[torch.LongTensor] = None,
        last_offsets: Optional[torch.LongTensor] = None,
    ) -> torch.Tensor:
        """Shapes: `token_ids`/`wordpiece_mask` [batch, subwords]; `offsets` (each word's first
        subword), `last_offsets` (its last subword) and `mask` [batch, words]. `last_offsets` is
        needed by every `subword_pooling` but `"first"`.

        Returns [batch, words, get_output_dim()]; padding words are zero vectors.
        """
        if self._subword_pooling != "first" and last_offsets is None:
            raise ValueError(
                f"subword_pooling={self._subword_pooling!r} needs each word's last subword "
                "(`last_offsets`, from the pretrained_transformer_first_subword indexer)"
            )
        subword_embeddings = self.embed_subwords(token_ids, wordpiece_mask)
        word_embeddings = pool_subwords(
            subword_embeddings, offsets, last_offsets, mask, self._subword_pooling
        )
        return word_embeddings * mask.unsqueeze(-1)

    def embed_subwords(
        self, token_ids: torch.LongTensor, wordpiece_mask: torch.BoolTensor
    ) -> torch.Tensor:
        """Runs the encoder over sliding windows; returns [batch, subwords, output_dim]."""
        batch_size, num_subwords = token_ids.shape
        windows = sliding_windows(num_subwords, self._window_content, self._context)
        num_start, num_end = len(self._start_ids), len(self._end_ids)
        width = num_start + max(window.end - window.start for window in windows) + num_end
        device = token_ids.device
        start_ids = token_ids.new_tensor(self._start_ids)
        end_ids = token_ids.new_tensor(self._end_ids)
        positions = torch.arange(width, device=device)

        window_ids = []
        window_masks = []
        for window in windows:
            content = token_ids[:, window.start : window.end]
            lengths = wordpiece_mask[:, window.start : window.end].sum(dim=1)
            ids = token_ids.new_full((batch_size, width), self._pad_id)
            ids[:, :num_start] = start_ids
            ids[:, num_start : num_start + content.size(1)] = content
            # Special end tokens go right after each row's last real subword.
            end_positions = (num_start + lengths).unsqueeze(1) + torch.arange(
                num_end, device=device
            )
            ids.scatter_(1, end_positions, end_ids.expand(batch_size, num_end))
            window_ids.append(ids)
            window_masks.append(
                (positions.unsqueeze(0) < (num_start + lengths + num_end).unsqueeze(1))
                & (lengths > 0).unsqueeze(1)
            )
        all_ids = torch.cat(window_ids)  # [windows * batch, width], window-major
        all_masks = torch.cat(window_masks)
        # Rows of short sentences have nothing in later windows: do not encode them.
        keep = all_masks.any(dim=1)
        hidden = self._encode(all_ids[keep], all_masks[keep])
        full = hidden.new_zeros(all_ids.size(0), width, hidden.size(-1))
        full[keep] = hidden
        full = full.view(len(windows), batch_size, width, -1)
        pieces = [
            full[index, :, num_start + w.owned_start - w.start : num_start + w.end - w.start]
            for index, w in enumerate(windows)
        ]
        return torch.cat(pieces, dim=1)

    def _encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        if input_ids.size(0) == 0:
            return input_ids.new_zeros(
                (0, input_ids.size(1), self.output_dim), dtype=torch.get_default_dtype()
            )
        return self.encode(input_ids, attention_mask)


def pool_subwords(
    subword_embeddings: torch.Tensor,
    offsets: torch.LongTensor,
    last_offsets: Optional[torch.LongTensor],
    mask: torch.BoolTensor,
    pooling: str,
) -> torch.Tensor:
    """[batch, subwords, dim] -> [batch, words, dim] (2 x dim for `"first_last"`): each word's
    vector from its subwords `offsets` .. `last_offsets` (both included) as `pooling` says."""
    if pooling == "first":
        return util.batched_index_select(subword_embeddings, offsets)
    assert last_offsets is not None
    if pooling == "last":
        return util.batched_index_select(subword_embeddings, last_offsets)
    if pooling == "first_last":
        return torch.cat(
            [
                util.batched_index_select(subword_embeddings, offsets),
                util.batched_index_select(subword_embeddings, last_offsets),
            ],
            dim=-1,
        )
    # Mean: a [words, subwords] averaging matrix per sentence (memory words x subwords, not
    # words x longest word x dim; deterministic on a GPU, unlike a scatter-add).
    positions = torch.arange(subword_embeddings.size(1), device=offsets.device)
    inside = (
        (positions >= offsets.unsqueeze(-1))
        & (positions <= last_offsets.unsqueeze(-1))
        & mask.unsqueeze(-1)
    )
    weights = inside.to(subword_embeddings.dtype)
    weights = weights / weights.sum(dim=-1, keepdim=True).clamp(min=1)
    return torch.bmm(weights, subword_embeddings)
