"""`transformer_sized_lstm` takes its sizes from the encoder's config."""

import json
from pathlib import Path

import pytest
import torch
from allennlp.common import Params
from allennlp.modules import Seq2SeqEncoder

from tests import TINY_MBERT, TINY_XLMR
from xlt_allennlp.modules.seq2seq_encoders import TransformerSizedLstm


def lstm(**params: object) -> TransformerSizedLstm:
    encoder = Seq2SeqEncoder.from_params(Params({"type": "transformer_sized_lstm", **params}))
    assert isinstance(encoder, TransformerSizedLstm)
    return encoder


@pytest.mark.parametrize("encoder", [TINY_MBERT, TINY_XLMR], ids=["bert", "xlmr"])
def test_sizes_come_from_the_fixture_encoders(encoder: str) -> None:
    hidden = json.loads((Path(encoder) / "config.json").read_text())["hidden_size"]
    assert hidden == 64
    bilstm = lstm(model_name=encoder)  # the paper's: 2 layers, bidirectional, d_h per direction
    assert bilstm.get_input_dim() == 64 and bilstm.get_output_dim() == 128
    module = bilstm._module
    assert module.num_layers == 2 and module.bidirectional and module.hidden_size == 64
    with_pos = lstm(model_name=encoder, extra_input_dim=100)  # parser: encoder output + POS
    assert with_pos.get_input_dim() == 164 and with_pos.get_output_dim() == 128
    small = lstm(model_name=encoder, num_layers=1, bidirectional=False, hidden_size=8)
    assert small.get_input_dim() == 64 and small.get_output_dim() == 8


def test_runs_on_masked_input() -> None:
    bilstm = lstm(model_name=TINY_MBERT)
    inputs = torch.randn(2, 5, 64)
    mask = torch.tensor([[True] * 5, [True, True, False, False, False]])
    output = bilstm(inputs, mask)
    assert output.shape == (2, 5, 128)
    assert output[1, 2:].abs().sum() == 0  # padding positions are zeros
