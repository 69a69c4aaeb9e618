"""The feature-based mode's BiLSTM, sized from the encoder it runs on."""

from typing import Optional

from allennlp.modules.seq2seq_encoders import LstmSeq2SeqEncoder, Seq2SeqEncoder

from xlt_allennlp.modules.transformer_size import transformer_hidden_size


@Seq2SeqEncoder.register("transformer_sized_lstm")
class TransformerSizedLstm(LstmSeq2SeqEncoder):
    """allennlp's `lstm` encoder whose sizes come from a transformer's config.

    Registered as a `Seq2SeqEncoder` with name "transformer_sized_lstm". The feature-based mode of
    Wu & Dredze (2019, section 5.2) runs a 2-layer BiLSTM with hidden size d_h (the encoder's
    hidden size, per direction) over the mixed encoder layers. A config cannot know d_h (64 for a
    test encoder, 768 for mBERT), so this subclass of `LstmSeq2SeqEncoder` reads it from
    `model_name`'s `config.json`: input size `encoder_size_multiple` x d_h + `extra_input_dim`,
    hidden size d_h unless `hidden_size` is given; output size 2 x hidden size when bidirectional.

    ```jsonnet
    "encoder": {"type": "transformer_sized_lstm", "model_name": "bert-base-multilingual-cased",
                "num_layers": 2, "bidirectional": true, "extra_input_dim": 0}
    ```

    # Parameters

    model_name : `str`
        The Hugging Face encoder (name or local path) whose `hidden_size` (d_h) sizes the LSTM;
        only its `config.json` is read.
    num_layers : `int`, optional (default = `2`)
        Stacked LSTM layers.
    bidirectional : `bool`, optional (default = `True`)
        Run a backward LSTM too and concatenate the two directions.
    hidden_size : `int`, optional (default = `None`)
        The hidden size per direction; `None`: d_h.
    extra_input_dim : `int`, optional (default = `0`)
        Input dimensions beyond the encoder's, e.g. a gold-POS embedding concatenated to the
        encoder output.
    encoder_size_multiple : `int`, optional (default = `1`)
        How many encoder vectors each input holds: 2 behind word vectors that concatenate two
        subwords (`subword_pooling: "first_last"`).
    dropout : `float`, optional (default = `0.0`)
        Dropout between LSTM layers (torch's `LSTM` dropout; none after the last layer).
    bias : `bool`, optional (default = `True`)
        Whether the LSTM layers have bias weights.
    stateful : `bool`, optional (default = `False`)
        Keep the hidden state between batches (allennlp's `PytorchSeq2SeqWrapper`).
    """

    def __init__(
        self,
        model_name: str,
        num_layers: int = 2,
        bidirectional: bool = True,
        hidden_size: Optional[int] = None,
        extra_input_dim: int = 0,
        encoder_size_multiple: int = 1,
        dropout: float = 0.0,
        bias: bool = True,
        stateful: bool = False,
    ) -> None:
        encoder_size = transformer_hidden_size(model_name)
        super().__init__(
            input_size=encoder_size_multiple * encoder_size + extra_input_dim,
            hidden_size=encoder_size if hidden_size is None else hidden_size,
            num_layers=num_layers,
            bias=bias,
            dropout=dropout,
            bidirectional=bidirectional,
            stateful=stateful,
        )
