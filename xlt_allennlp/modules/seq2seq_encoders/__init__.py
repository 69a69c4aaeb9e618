from xlt_allennlp.modules.seq2seq_encoders.transformer_sized_lstm import TransformerSizedLstm

__all__ = ["TransformerSizedLstm"]
