// UD dependency parsing, zero-shot cross-lingual (Wu & Dredze 2019, sections 4.5 and 5).
// Dozat & Manning's biaffine parser with the multilingual encoder in place of the LSTM; train on
// English, select on English dev (LAS), evaluate unchanged on other languages:
// train_path and dev_path are required; encoder defaults to bert-base-multilingual-cased:
//   encoder=bert-base-multilingual-cased train_path=en_ewt-ud-train.conllu \
//     dev_path=en_ewt-ud-dev.conllu allennlp train training_configs/parsing.jsonnet -s runs/parsing
// use_pos=true adds the gold UPOS embedding to the encoder output (the paper's "Z+POS").
// mode=feature trains the paper's feature-based variant (frozen encoder, layer mix, BiLSTM).
// Settings read through `args`/`recipe` can be changed from the environment (see README).
local args = import 'lib/args.libsonnet';
local recipe = import 'lib/recipe.libsonnet';

local use_pos = args.json('use_pos', false);
local coarse = args.json('coarse_relations', true);

local reader(max_words) = {
  type: 'ud_parsing',
  coarse_relations: coarse,
  max_words: max_words,
  token_indexers: recipe.first_subword_indexer,
};

// Sort batches by the parser's text field, `words`.
local by_words = { batch_sampler+: { sorting_keys: ['words'] } };

{
  // Training keeps every sentence; evaluation keeps sentences of up to 140 words (the paper's
  // threshold; the number skipped is logged). max_words=null evaluates every sentence.
  dataset_reader: reader(null),
  validation_dataset_reader: reader(args.json('max_words', 140)),
  model: {
    type: 'transformer_biaffine_parser',
    // One window holds 512 subwords (special tokens included), which covers the first 140
    // words of almost any sentence, as in the paper; longer inputs slide (256 subwords context).
    text_field_embedder: recipe.first_subword_embedder + {
      token_embedders+: {
        tokens+: { max_length: args.json('max_length', 512), context: args.json('context', 256) },
      },
    },
    // null when fine-tuning (the encoder output, + the POS embedding, goes straight to the
    // biaffine scorers); the BiLSTM over the frozen encoder's layer mix with mode=feature.
    encoder: recipe.parser_encoder(if use_pos then args.json('pos_dim', 100) else 0),
    arc_representation_dim: args.json('arc_dim', 500),
    tag_representation_dim: args.json('tag_dim', 100),
    [if use_pos then 'pos_tag_embedding']: {
      embedding_dim: args.json('pos_dim', 100),
      vocab_namespace: 'pos',
    },
    dropout: args.json('dropout', 0.1),
    input_dropout: args.json('input_dropout', 0.1),
    report_unexcluded_scores: args.json('report_unexcluded_scores', false),
  } + recipe.regularizer,  // soft freezing (freeze_mode=soft): the pretrained-anchor penalty
  // The biaffine scorers start from random weights: they get head_lr = 1e-3 (measured on real
  // UD data, see README "SentencePiece encoders and the task head's learning rate");
  // head_lr=none gives every parameter `lr`, the paper's recipe.
  trainer: recipe.trainer('+LAS', head_lr_default=1e-3),
  data_loader: recipe.data_loaders.data_loader + by_words,
  validation_data_loader: recipe.data_loaders.validation_data_loader + by_words,
}
+ recipe.data_paths('en_ewt-ud-train.conllu', 'en_ewt-ud-dev.conllu')
+ recipe.seeds
+ recipe.distributed
