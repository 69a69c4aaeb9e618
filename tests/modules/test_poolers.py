"""`max_pooler` and `first_token_pooler`: values by hand, masking, sizes from an encoder."""

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.modules import Seq2VecEncoder

from tests import TINY_MBERT, TINY_XLMR
from xlt_allennlp.modules.seq2vec_encoders import FirstTokenPooler, MaxPooler


def test_max_pooler_by_hand_with_masking() -> None:
    tokens = torch.tensor(
        [
            [[1.0, -5.0], [3.0, -2.0], [9.0, 9.0]],  # third position masked: 9s must not win
            [[-4.0, -1.0], [-3.0, -7.0], [0.0, 0.0]],  # all negative, padding is 0 (masked)
            [[7.0, 7.0], [8.0, 8.0], [9.0, 9.0]],  # nothing unmasked: zeros
        ]
    )
    mask = torch.tensor([[True, True, False], [True, True, False], [False, False, False]])
    pooler = MaxPooler(embedding_dim=2)
    expected = torch.tensor([[3.0, -2.0], [-3.0, -1.0], [0.0, 0.0]])
    assert torch.equal(pooler(tokens, mask), expected)
    assert torch.equal(pooler(tokens), torch.tensor([[9.0, 9.0], [0.0, 0.0], [9.0, 9.0]]))
    assert pooler.get_input_dim() == pooler.get_output_dim() == 2


def test_max_pooler_gradient_goes_to_the_maximum_only() -> None:
    tokens = torch.tensor([[[1.0], [4.0], [2.0]]], requires_grad=True)
    MaxPooler(embedding_dim=1)(tokens, torch.tensor([[True, True, True]])).sum().backward()
    assert tokens.grad is not None
    assert tokens.grad.flatten().tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["bert", "xlmr"])
def test_poolers_sized_from_the_encoder(encoder: str) -> None:
    # Both fixture encoders have hidden size 64; after a BiLSTM the vectors are 2 x 64.
    pooler = Seq2VecEncoder.from_params(
        Params({"type": "max_pooler", "model_name": encoder, "hidden_size_multiple": 2})
    )
    assert isinstance(pooler, MaxPooler) and pooler.get_output_dim() == 128
    first = Seq2VecEncoder.from_params(
        Params({"type": "first_token_pooler", "model_name": encoder})
    )
    assert isinstance(first, FirstTokenPooler) and first.get_output_dim() == 64
    tokens = torch.randn(2, 3, 64)
    assert torch.equal(first(tokens, torch.ones(2, 3, dtype=torch.bool)), tokens[:, 0])


@pytest.mark.parametrize("kwargs", [{}, {"embedding_dim": 4, "model_name": TINY_MBERT}])
def test_pooler_needs_exactly_one_size(kwargs: dict) -> None:
    with pytest.raises(ConfigurationError, match="exactly one of embedding_dim and model_name"):
        MaxPooler(**kwargs)
