"""Sentence vectors from a sequence: max pooling over time, and the first token."""

from typing import Optional

import torch
from allennlp.modules.seq2vec_encoders import ClsPooler, Seq2VecEncoder
from allennlp.nn import util

from xlt_allennlp.modules.transformer_size import embedding_dim_from


@Seq2VecEncoder.register("max_pooler")
class MaxPooler(Seq2VecEncoder):
    """Element-wise maximum over the unmasked positions of a sequence.

    Registered as a `Seq2VecEncoder` with name "max_pooler". The sentence-level head of the
    paper's feature-based mode (section 5.2: "an additional max-pooling is used to extract a
    fixed-dimension vector"). Masked positions never win; a sequence with no unmasked position
    pools to zeros. (allennlp has no max pooler; its `boe` encoder sums or averages.)

    ```jsonnet
    "seq2vec_encoder": {"type": "max_pooler", "model_name": "bert-base-multilingual-cased",
                        "hidden_size_multiple": 2}
    ```

    # Parameters

    embedding_dim : `int`, optional (default = `None`)
        The input (and output) size. Give exactly one of `embedding_dim` and `model_name`.
    model_name : `str`, optional (default = `None`)
        A Hugging Face encoder (name or local path): the size is `hidden_size_multiple` x its
        hidden size, for a config that cannot know it.
    hidden_size_multiple : `int`, optional (default = `1`)
        With `model_name`: how many encoder hidden sizes the input has (2 after a
        `transformer_sized_lstm` BiLSTM).
    """

    def __init__(
        self,
        embedding_dim: Optional[int] = None,
        model_name: Optional[str] = None,
        hidden_size_multiple: int = 1,
    ) -> None:
        super().__init__()
        self._embedding_dim = embedding_dim_from(embedding_dim, model_name, hidden_size_multiple)

    def get_input_dim(self) -> int:
        return self._embedding_dim

    def get_output_dim(self) -> int:
        return self._embedding_dim

    def forward(
        self, tokens: torch.Tensor, mask: Optional[torch.BoolTensor] = None
    ) -> torch.Tensor:
        """`tokens` [batch, length, dim], `mask` [batch, length] -> [batch, dim]."""
        if mask is None:
            return tokens.max(dim=1).values
        mask = mask.bool()
        pooled = util.masked_max(tokens, mask.unsqueeze(-1), dim=1)
        return torch.where(mask.any(dim=1, keepdim=True), pooled, torch.zeros_like(pooled))


@Seq2VecEncoder.register("first_token_pooler")
class FirstTokenPooler(ClsPooler):
    """allennlp's `cls_pooler` (the first token's vector, [CLS] / `<s>`), sized like `max_pooler`.

    Registered as a `Seq2VecEncoder` with name "first_token_pooler". `cls_pooler` needs
    `embedding_dim`, which a config written for any encoder does not know; this takes
    `model_name` instead (or `embedding_dim`).

    ```jsonnet
    "seq2vec_encoder": {"type": "first_token_pooler", "model_name": "xlm-roberta-base"}
    ```

    # Parameters

    embedding_dim : `int`, optional (default = `None`)
        The input (and output) size. Give exactly one of `embedding_dim` and `model_name`.
    model_name : `str`, optional (default = `None`)
        A Hugging Face encoder (name or local path): the size is `hidden_size_multiple` x its
        hidden size.
    hidden_size_multiple : `int`, optional (default = `1`)
        With `model_name`: how many encoder hidden sizes the input has.
    cls_is_last_token : `bool`, optional (default = `False`)
        Take the last unmasked token instead of the first (models such as XLNet put their
        [CLS] last).
    """

    def __init__(
        self,
        embedding_dim: Optional[int] = None,
        model_name: Optional[str] = None,
        hidden_size_multiple: int = 1,
        cls_is_last_token: bool = False,
    ) -> None:
        super().__init__(
            embedding_dim_from(embedding_dim, model_name, hidden_size_multiple), cls_is_last_token
        )
