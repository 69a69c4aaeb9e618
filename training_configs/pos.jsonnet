// UD part-of-speech tagging, zero-shot cross-lingual (Wu & Dredze 2019, sections 4.4 and 5).
// Train on English, select on English dev, evaluate unchanged on other languages:
// train_path and dev_path are required; encoder defaults to bert-base-multilingual-cased:
//   encoder=bert-base-multilingual-cased train_path=en_ewt-ud-train.conllu \
//     dev_path=en_ewt-ud-dev.conllu allennlp train training_configs/pos.jsonnet -s runs/pos
// mode=feature trains the paper's feature-based variant (frozen encoder, layer mix, BiLSTM).
// Settings read through `args`/`recipe` can be changed from the environment (see README).
local args = import 'lib/args.libsonnet';
local recipe = import 'lib/recipe.libsonnet';

local tag_column = args.str('tag_column', 'upos');
// With tag_column=upos the model's labels are the 17 UD v2 tags, seen in English training or
// not (the reader's inventory, xlt_allennlp/data/labels.py), so that zero-shot evaluation on a
// language using a tag English lacks counts it as an error instead of failing. (XPOS tag sets
// are language-specific: an XPOS unseen in training is reported with file and line.)

{
  dataset_reader: {
    type: 'ud_pos',
    tag_column: tag_column,
    token_indexers: recipe.first_subword_indexer,
  },
  model: {
    type: 'first_subword_tagger',
    text_field_embedder: recipe.first_subword_embedder,
    // null when fine-tuning; the BiLSTM over the frozen encoder's layer mix with mode=feature.
    encoder: recipe.word_encoder,
    dropout: args.json('dropout', 0.1),
  } + recipe.regularizer,  // soft freezing (freeze_mode=soft): the pretrained-anchor penalty
  // The linear head starts from random weights: head_lr = 1e-3 (measured for POS on real UD
  // data, see README); head_lr=none gives every parameter `lr`, the paper's recipe.
  trainer: recipe.trainer('+accuracy', head_lr_default=1e-3),
}
+ recipe.data_paths('en_ewt-ud-train.conllu', 'en_ewt-ud-dev.conllu')
+ recipe.data_loaders
+ recipe.seeds
+ recipe.distributed
