// Named-entity recognition, zero-shot cross-lingual (Wu & Dredze 2019, sections 4.3 and 5).
// Train on English CoNLL 2003, select on English dev, evaluate on CoNLL 2002/2003 de/es/nl:
// train_path and dev_path are required; encoder defaults to bert-base-multilingual-cased:
//   encoder=bert-base-multilingual-cased train_path=eng.train dev_path=eng.testa \
//     allennlp train training_configs/ner.jsonnet -s runs/ner
// German CoNLL 2003 files are Latin-1: evaluate them with
//   -o '{"validation_dataset_reader.encoding": "latin-1"}' (see README).
// mode=feature trains the paper's feature-based variant (frozen encoder, layer mix, BiLSTM).
local args = import 'lib/args.libsonnet';
local recipe = import 'lib/recipe.libsonnet';

local reader = {
  type: 'conll_ner',
  encoding: args.str('encoding', 'utf-8'),
  token_indexers: recipe.first_subword_indexer,
};

{
  dataset_reader: reader,
  validation_dataset_reader: reader,
  model: {
    type: 'first_subword_tagger',
    text_field_embedder: recipe.first_subword_embedder,
    // null when fine-tuning; the BiLSTM over the frozen encoder's layer mix with mode=feature.
    encoder: recipe.word_encoder,
    dropout: args.json('dropout', 0.1),
    label_encoding: 'BIO',
    // Softmax head (the paper's) by default; crf=true adds a BIO-constrained CRF.
    use_crf: args.json('crf', false),
  } + recipe.regularizer,  // soft freezing (freeze_mode=soft): the pretrained-anchor penalty
  // The linear head starts from random weights: head_lr = 1e-3 (measured for POS on real UD
  // data, see README); head_lr=none gives every parameter `lr`, the paper's recipe.
  trainer: recipe.trainer('+f1-measure-overall', head_lr_default=1e-3),
}
+ recipe.data_paths('conll2003/eng.train', 'conll2003/eng.testa')
+ recipe.data_loaders
+ recipe.seeds
+ recipe.distributed
