"""Sliding-window transformer embedder that returns the first subword's vector for every word."""

from typing import Any, Optional

import torch
from allennlp.modules.token_embedders import TokenEmbedder
from allennlp.nn import util

from xlt_allennlp.modules.sliding_window import sliding_windows
from xlt_allennlp.modules.transformer_backbone import TransformerBackbone, rename_state_dict_keys


@TokenEmbedder.register("pretrained_transformer_first_subword")
class PretrainedTransformerFirstSubwordEmbedder(TransformerBackbone, TokenEmbedder):
    """Embeds words with a transformer and represents each word by its FIRST subword.

    Registered as `"pretrained_transformer_first_subword"`; use it with the indexer of the same
    name. Sequences longer than `max_length` subwords (special tokens included) are encoded with
    the sliding window of Wu & Dredze (2019): the first window holds the first subwords that fit,
    every later window repeats the last `context` subwords of the previous one as left context
    and adds new subwords after them. Each subword's vector comes from the one window in which it
    is new, so every word is represented (and predicted) exactly once, whatever its length.
    allennlp's `pretrained_transformer_mismatched` embedder folds long inputs into
    NON-overlapping chunks instead, which is why this embedder exists.

    Everything else (loading, `freeze_layers`, `train_parameters`, the frozen feature-extractor
    mode, `last_layer_only: false` for the mix of all hidden states) is the encoder set-up of
    `xlt_allennlp.modules.transformer_backbone.TransformerBackbone`, whose parameters this
    embedder takes.

    ```jsonnet
    "token_embedders": {"tokens": {"type": "pretrained_transformer_first_subword",
                                   "model_name": "bert-base-multilingual-cased",
                                   "max_length": 128, "context": 64, "freeze_layers": 3}}
    ```
    """

    def __init__(
        self, model_name: str, *, max_length: int = 128, context: int = 64, **kwargs: Any
    ) -> None:
        super().__init__(model_name, **kwargs)
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
        return self.encode(input_ids, attention_mask)
