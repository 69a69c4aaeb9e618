// MLDoc document classification, zero-shot cross-lingual (Wu & Dredze 2019, sections 4.1 and 5).
// The first two sentences of a document go into the encoder as a sentence pair, at most 128
// subwords with [CLS]/[SEP]; a linear layer + softmax on the last layer's [CLS] vector.
// Train on English, select on English dev, evaluate unchanged on the other languages:
// train_path and dev_path are required; encoder defaults to bert-base-multilingual-cased:
//   encoder=bert-base-multilingual-cased train_path=mldoc/english.train.1000 \
//     dev_path=mldoc/english.dev allennlp train training_configs/mldoc.jsonnet -s runs/mldoc
//   allennlp evaluate-languages runs/mldoc/model.tar.gz en=mldoc/english.test de=mldoc/german.test
// mode=feature trains the paper's feature-based variant (frozen encoder, layer mix, BiLSTM).
// Settings read through `args`/`recipe` can be changed from the environment (see README).
local args = import 'lib/args.libsonnet';
local recipe = import 'lib/recipe.libsonnet';

local reader = {
  type: 'mldoc',
  model_name: recipe.encoder,
  // Subwords per document, [CLS] and [SEP]s included; the two sentences are cut longest first.
  max_length: args.json('max_length', 128),
  encoding: args.str('encoding', 'utf-8'),
};

{
  dataset_reader: reader,
  // Overridable on its own at evaluation: -o '{"validation_dataset_reader.encoding": "..."}'.
  validation_dataset_reader: reader,
  model: {
    type: 'transformer_classifier',
    text_field_embedder: {
      token_embedders: {
        tokens: {
          type: 'pretrained_transformer_sequence',
          model_name: recipe.encoder,
          // Fine-tuning: the embeddings (0) and the n lowest blocks frozen (`freeze`; -1 none).
          // mode=feature: the whole encoder frozen, a learned mix of all its hidden states.
        } + recipe.embedder_strategy,
      },
    },
    // Fine-tuning: no seq2seq encoder, the last layer's first token ([CLS] / <s>).
    // mode=feature: a 2-layer BiLSTM, max-pooled over time.
    dropout: args.json('dropout', 0.1),
  } + recipe.sentence_encoders
  + recipe.regularizer,  // soft freezing (freeze_mode=soft): the pretrained-anchor penalty
  trainer: recipe.trainer('+accuracy'),
}
+ recipe.data_paths('mldoc/english.train.1000', 'mldoc/english.dev')
+ recipe.data_loaders
+ recipe.seeds
+ recipe.distributed
