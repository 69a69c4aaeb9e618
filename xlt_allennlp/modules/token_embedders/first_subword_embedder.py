"""Sliding-window transformer embedder that returns the first subword's vector for every word."""

from typing import Any, Optional, Union

import torch
from allennlp.data.tokenizers import PretrainedTransformerTokenizer
from allennlp.modules.scalar_mix import ScalarMix
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder, TokenEmbedder
from allennlp.nn import util

from xlt_allennlp.modules.freeze_layers import no_grad_if_frozen, prepare_transformer
from xlt_allennlp.modules.sliding_window import sliding_windows


@TokenEmbedder.register("pretrained_transformer_first_subword")
class PretrainedTransformerFirstSubwordEmbedder(TokenEmbedder):
    """Embeds words with a transformer and represents each word by its FIRST subword.

    Registered as `"pretrained_transformer_first_subword"`; use it with the indexer of the same
    name. Sequences longer than `max_length` subwords (special tokens included) are encoded with
    the sliding window of Wu & Dredze (2019): the first window holds the first subwords that fit,
    every later window repeats the last `context` subwords of the previous one as left context
    and adds new subwords after them. Each subword's vector comes from the one window in which it
    is new, so every word is represented (and predicted) exactly once, whatever its length.
    allennlp's `pretrained_transformer_mismatched` embedder folds long inputs into
    NON-overlapping chunks instead, which is why this embedder exists.

    The transformer itself is held by allennlp's `PretrainedTransformerEmbedder` (so
    `train_parameters`, `reinit_modules`, `override_weights_file` ... behave as there). With
    `last_layer_only: false` the output is a learned softmax-weighted, scaled mix of ALL hidden
    states including the embedding layer (13 for a 12-layer encoder), not the 12 of allennlp's
    built-in mix. The transformer's pooler (unused for words) is removed.

    `freeze_layers` (paper section 5.2) freezes the embedding layer (n = 0) and the n lowest
    transformer blocks; -1 (the default) fine-tunes everything.

    Feature-based mode (paper section 5.2, "Feat"): `train_parameters: false` freezes the whole
    transformer and `last_layer_only: false` adds the learned 13-way mix. A fully frozen
    transformer (also `freeze_layers` = its number of blocks) is a fixed feature extractor: it
    runs under `torch.no_grad()` (no activations kept for backward: faster, less memory; the mix
    above it still trains) and in eval mode, so its dropout is off and the features are the same
    at every epoch (`eval_mode`, default: whether the transformer is fully frozen).

    ```jsonnet
    "token_embedders": {"tokens": {"type": "pretrained_transformer_first_subword",
                                   "model_name": "bert-base-multilingual-cased",
                                   "max_length": 128, "context": 64}}
    ```
    """

    def __init__(
        self,
        model_name: str,
        *,
        max_length: int = 128,
        context: int = 64,
        train_parameters: bool = True,
        freeze_layers: int = -1,
        last_layer_only: bool = True,
        reinit_modules: Optional[Union[int, tuple[int, ...], tuple[str, ...]]] = None,
        override_weights_file: Optional[str] = None,
        override_weights_strip_prefix: Optional[str] = None,
        load_weights: bool = True,
        gradient_checkpointing: Optional[bool] = None,
        eval_mode: Optional[bool] = None,
        tokenizer_kwargs: Optional[dict[str, Any]] = None,
        transformer_kwargs: Optional[dict[str, Any]] = None,
    ) -> None:
        super().__init__()
        self._matched_embedder = PretrainedTransformerEmbedder(
            model_name,
            train_parameters=train_parameters,
            last_layer_only=True,
            reinit_modules=reinit_modules,
            override_weights_file=override_weights_file,
            override_weights_strip_prefix=override_weights_strip_prefix,
            load_weights=load_weights,
            gradient_checkpointing=gradient_checkpointing,
            tokenizer_kwargs=tokenizer_kwargs,
            transformer_kwargs=transformer_kwargs,
        )
        config = self._matched_embedder.config
        prepare_transformer(self._matched_embedder, freeze_layers, eval_mode)
        tokenizer = PretrainedTransformerTokenizer(model_name, tokenizer_kwargs=tokenizer_kwargs)
        self._start_ids = [token.text_id for token in tokenizer.single_sequence_start_tokens]
        self._end_ids = [token.text_id for token in tokenizer.single_sequence_end_tokens]
        pad_id = tokenizer.tokenizer.pad_token_id
        self._pad_id = 0 if pad_id is None else pad_id
        num_special = len(self._start_ids) + len(self._end_ids)
        position_limit = getattr(config, "max_position_embeddings", None)
        if position_limit is not None and config.model_type in ("roberta", "xlm-roberta"):
            position_limit -= 2  # RoBERTa-style position ids start after the padding index
        if position_limit is not None and max_length > position_limit:
            raise ValueError(
                f"max_length={max_length} exceeds what {model_name!r} can encode "
                f"({position_limit} positions)"
            )
        self._window_content = max_length - num_special
        self._context = context
        sliding_windows(0, self._window_content, context)  # validates the two sizes early
        self._scalar_mix: ScalarMix | None = None
        if not last_layer_only:
            self._scalar_mix = ScalarMix(config.num_hidden_layers + 1)
        self.output_dim: int = config.hidden_size

    @property
    def transformer_model(self) -> torch.nn.Module:
        return self._matched_embedder.transformer_model

    @property
    def scalar_mix(self) -> ScalarMix | None:
        return self._scalar_mix

    def get_output_dim(self) -> int:
        return self.output_dim

    def forward(
        self,
        token_ids: torch.LongTensor,
        mask: torch.BoolTensor,
        offsets: torch.LongTensor,
        wordpiece_mask: torch.BoolTensor,
        type_ids: Optional[torch.LongTensor] = None,
    ) -> torch.Tensor:
        """Shapes: `token_ids`/`wordpiece_mask` [batch, subwords]; `offsets`/`mask` [batch, words].

        Returns [batch, words, output_dim]; padding words are zero vectors.
        """
        subword_embeddings = self.embed_subwords(token_ids, wordpiece_mask)
        word_embeddings = util.batched_index_select(subword_embeddings, offsets)
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
        with no_grad_if_frozen(self.transformer_model):
            output = self.transformer_model(
                input_ids=input_ids,
                attention_mask=attention_mask.long(),
                output_hidden_states=self._scalar_mix is not None,
            )
        if self._scalar_mix is None:
            return output.last_hidden_state
        return self._scalar_mix(list(output.hidden_states), attention_mask)
