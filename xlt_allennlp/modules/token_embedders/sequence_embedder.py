"""Subword-level transformer embedder for sentence (pair) tasks."""

from typing import Optional

import torch
from allennlp.modules.token_embedders import TokenEmbedder

from xlt_allennlp.modules.transformer_backbone import TransformerBackbone


@TokenEmbedder.register("pretrained_transformer_sequence")
class PretrainedTransformerSequenceEmbedder(TransformerBackbone, TokenEmbedder):
    """One vector per subword (special tokens included) of a text or text pair.

    Registered as `"pretrained_transformer_sequence"`; use it with allennlp's
    `pretrained_transformer` indexer (the `mldoc` and `xnli` readers build one). It is the
    encoder set-up of `xlt_allennlp.modules.transformer_backbone.TransformerBackbone` (loading,
    `freeze_layers`, `train_parameters`, the frozen feature-extractor mode, `last_layer_only:
    false` for the mix of all hidden states including the embedding layer), with token type ids;
    the classifier pools its output ([CLS] of the last layer by default). Inputs must fit the
    encoder: the readers truncate to `max_length` (this embedder does not fold long inputs).

    ```jsonnet
    "token_embedders": {"tokens": {"type": "pretrained_transformer_sequence",
                                   "model_name": "bert-base-multilingual-cased",
                                   "freeze_layers": 6}}
    ```
    """

    def forward(  # type: ignore[override]
        self,
        token_ids: torch.LongTensor,
        mask: torch.BoolTensor,
        type_ids: Optional[torch.LongTensor] = None,
    ) -> torch.Tensor:
        """`token_ids`, `mask`, `type_ids`: [batch, subwords] -> [batch, subwords, output_dim]."""
        return self.encode(token_ids, mask, type_ids)
