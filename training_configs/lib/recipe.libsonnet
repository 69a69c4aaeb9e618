// The shared training recipes of Wu & Dredze (2019, section 5), used by every task config.
//
// `mode` selects the strategy (section 5.2):
//   finetune (default)  the encoder is fine-tuned with the task head (optionally with its bottom
//                       layers frozen: `freeze`); AdamW, linear warmup over 10% of the steps,
//                       then linear decay; `epochs` (default 4) epochs.
//   feature             the paper's "Feat": the encoder is frozen and is a feature extractor; a
//                       learned softmax-weighted mix of ALL its hidden states (embeddings
//                       included: 13 for a 12-layer encoder) with a learned scale feeds a 2-layer
//                       BiLSTM of the encoder's hidden size trained from scratch (max-pooled over
//                       time for sentence tasks). Adam, lr 1e-3, the lr halved after every epoch
//                       without a new best dev score, training stopped once the lr is below
//                       `min_lr` (1e-5); `epochs` (default 100) is only an upper bound.
// `freeze=n` (fine-tuning only) holds the embeddings (layer 0) and blocks 1..n of the encoder:
//   freeze_mode=hard (default)  they are frozen: no gradient, no optimizer state (the paper's);
//   freeze_mode=soft            they train, pulled toward their pretrained values by the
//                               `pretrained_anchor` regularizer (L2-SP): freeze_strength / 2 ·
//                               ||θ − θ₀||², the strength times freeze_decay per layer up; the
//                               distance of every layer is logged (`anchor_distance`).
// A task config uses `first_subword_embedder` (or `embedder_strategy` in its own embedder),
// `trainer(metric)`, `regularizer` (merged into its model), and the encoder slots
// `word_encoder` / `parser_encoder(pos_dim)` / `sentence_encoders`, which are null (or
// first-token pooling) when fine-tuning.
local args = import 'args.libsonnet';

local mode = args.str('mode', 'finetune');
local feature = mode == 'feature';
local freeze_arg = args.str('freeze', 'none');
local freeze = if freeze_arg == 'none' then -1 else std.parseJson(freeze_arg);
local freeze_mode = args.str('freeze_mode', 'hard');
local soft = freeze_mode == 'soft';
// Ext vars that only soft freezing reads (set without freeze_mode=soft: refused).
local amp = args.json('amp', false);
local on_gpu = args.json('cuda_device', -1) >= 0 || args.str('cuda_devices', '') != '';
local soft_only = [
  name for name in ['freeze_strength', 'freeze_decay'] if args.str(name, '') != ''
];

{
  assert mode == 'finetune' || mode == 'feature' :
         "mode must be 'finetune' or 'feature', not '" + mode + "'",
  assert !(feature && freeze != -1) :
         'freeze cannot be combined with mode=feature: the feature-based mode freezes the ' +
         'whole encoder (and mixes all its layers); freeze=n fine-tunes the layers above n',
  assert freeze_mode == 'hard' || freeze_mode == 'soft' :
         "freeze_mode must be 'hard' or 'soft', not '" + freeze_mode + "'",
  assert !(feature && soft) :
         'freeze_mode=soft cannot be combined with mode=feature: the feature-based mode ' +
         'freezes the whole encoder',
  assert !(soft && freeze == -1) :
         'freeze_mode=soft needs freeze=n, the layers to anchor (those freeze=n freezes): ' +
         'e.g. freeze=3 freeze_mode=soft',
  assert soft || soft_only == [] :
         std.join(' and ', soft_only) +
         (if std.length(soft_only) == 1 then ' needs' else ' need') +
         ' freeze_mode=soft (freeze_mode=hard, the default, freezes the layers outright)',

  assert !amp || on_gpu :
         'amp=true needs a GPU (allennlp trains in mixed precision on CUDA only): add ' +
         'cuda_device=0, or cuda_devices="[0, 1]" for distributed training',

  mode: mode,
  feature: feature,
  // `paper=true`: the paper's exact recipe. Where this package's default is a measured change
  // from the paper, the default becomes the paper's value: for POS, NER and parsing `head_lr`
  // none (one learning rate), `subword_pooling` first and `layers` last (the first subword of the
  // last layer), `space_markers` first (a bare SentencePiece "▁" is a word's first subword, as the
  // paper's rule gives); an ext var given explicitly still wins. MLDoc and XNLI already train
  // with the paper's recipe.
  paper: args.json('paper', false),
  // A default that differs from the paper's: `ours`, or `papers` with paper=true.
  default(ours, papers):: if $.paper then papers else ours,
  // The paper's encoder; any Hugging Face name or local path (the tests pass the tiny fixtures).
  encoder: args.str('encoder', 'bert-base-multilingual-cased'),
  seed: args.json('seed', 13),
  batch_size: args.json('batch_size', 32),
  // Freeze the embeddings (0) and the n lowest blocks; "none" (-1) fine-tunes all. Always -1 in
  // feature mode, where the whole encoder is frozen by `embedder_strategy` instead.
  freeze: freeze,
  freeze_mode: freeze_mode,

  // What the strategy sets on a transformer token embedder of this package (merge it into the
  // embedder's config): the frozen bottom layers when fine-tuning (none with freeze_mode=soft:
  // the regularizer holds them instead); in feature mode a frozen encoder (no gradients, no
  // optimizer state, eval mode) and the mix of all hidden states.
  embedder_strategy:
    if feature then { train_parameters: false, last_layer_only: false }
    else { freeze_layers: if soft then -1 else $.freeze },

  // What soft freezing adds to a model (merge it into the model's config; nothing otherwise):
  // the L2-SP penalty toward the pretrained weights on the layers freeze=n would freeze, through
  // allennlp's `regularizer` key; the regex matches every parameter of the encoder and the
  // regularizer picks the layers by structure. `freeze_strength` (default 1.0, see README for
  // the measured strengths), `freeze_decay` (default 1.0): the strength's factor per layer up.
  regularizer: if soft then {
    regularizer: {
      regexes: [['transformer_model\\.', {
        type: 'pretrained_anchor',
        strength: args.json('freeze_strength', 1.0),
        freeze_layers: $.freeze,
        depth_decay: args.json('freeze_decay', 1.0),
      }]],
    },
  } else {},

  // Indexer + embedder pair for word-level tasks: the sliding window of section 5, 128 subwords
  // per window (special tokens included), each later window repeating the last 64 subwords of
  // the previous one as context; a word's vector is pooled from its subwords (`subword_pooling`,
  // `layers` below).
  // `space_markers`: what a bare SentencePiece/BPE word-start marker ("▁" before a CJK word or
  // punctuation) becomes: "drop" (removed from the input; default), "skip" (kept, the word is
  // represented by its next piece) or "first" (kept and used; with paper=true). No effect on
  // WordPiece (mBERT).
  first_subword_indexer: {
    tokens: {
      type: 'pretrained_transformer_first_subword',
      model_name: $.encoder,
      space_markers: args.str('space_markers', $.default('drop', 'first')),
    },
  },
  // `subword_pooling`: a word's vector from its subwords (a skipped or dropped bare marker is not
  // one of them): "first" (the paper's), "mean", "last" or "first_last" (the two concatenated:
  // twice the encoder's hidden size). `layers`: "last" (the paper's) or "mix:K", a learned scalar
  // mix of the last K hidden states (K up to the number of blocks + 1), trained with the model.
  // Defaults when fine-tuning: first_last of mix:4 (measured on real UD parsing and POS, see
  // docs/results/word-representations.md); with paper=true the paper's first subword of the last
  // layer. In feature mode (the paper's Feat) the first subword of the mix of all hidden states;
  // `layers=mix:K` mixes the last K instead. A key is set only when not the embedder's default.
  local subword_pooling = args.str('subword_pooling',
                                   if feature then 'first' else $.default('first_last', 'first')),
  local layers = args.str('layers', if feature then '' else $.default('mix:4', 'last')),
  assert !(feature && layers == 'last') :
         'layers=last cannot be combined with mode=feature, which mixes the hidden states: ' +
         'leave layers out (the mix of all of them) or give layers=mix:K',
  first_subword_embedder: {
    token_embedders: {
      tokens: {
        type: 'pretrained_transformer_first_subword',
        model_name: $.encoder,
        max_length: args.json('max_length', 128),
        context: args.json('context', 64),
        [if subword_pooling != 'first' then 'subword_pooling']: subword_pooling,
        [if layers != '' && layers != 'last' then 'layers']: layers,
      } + $.embedder_strategy,
    },
  },
  // Word vectors are twice the encoder's hidden size with subword_pooling=first_last.
  local word_size_multiple = if subword_pooling == 'first_last' then 2 else 1,

  // The feature-based mode's 2-layer BiLSTM, hidden size = the encoder's (read from its config
  // by `transformer_sized_lstm`, so one config fits every encoder); its input is the encoder's
  // hidden size (times `encoder_size_multiple`: 2 behind first_last word vectors) +
  // `extra_input_dim`.
  lstm(extra_input_dim=0, encoder_size_multiple=1):: {
    type: 'transformer_sized_lstm',
    model_name: $.encoder,
    num_layers: 2,
    bidirectional: true,
    [if extra_input_dim != 0 then 'extra_input_dim']: extra_input_dim,
    [if encoder_size_multiple != 1 then 'encoder_size_multiple']: encoder_size_multiple,
  },
  // Seq2SeqEncoder between the word embedder and a word-level head (the tagger's `encoder`):
  // null when fine-tuning, the BiLSTM in feature mode.
  word_encoder: if feature then $.lstm(0, word_size_multiple) else null,
  // The same for the biaffine parser, whose encoder input is the encoder output + the gold-POS
  // embedding (`pos_dim`, 0 without POS). Null when fine-tuning: the parser's default
  // pass-through encoder then sizes itself from the embedder (+ POS embedding).
  parser_encoder(pos_dim=0):: if feature then $.lstm(pos_dim, word_size_multiple) else null,
  // Sequence-to-vector pieces of a sentence classifier: when fine-tuning no seq2seq encoder and
  // the first token ([CLS] / <s>) of the last layer; in feature mode the BiLSTM and max pooling
  // over time of its 2 x hidden-size output.
  sentence_encoders: if feature then {
    seq2seq_encoder: $.lstm(),
    seq2vec_encoder: { type: 'max_pooler', model_name: $.encoder, hidden_size_multiple: 2 },
  } else {
    seq2seq_encoder: null,
    seq2vec_encoder: { type: 'first_token_pooler', model_name: $.encoder },
  },

  // Batches bucketed by subword length: little compute goes to padding.
  data_loaders: {
    data_loader: {
      batch_sampler: { type: 'subword_bucket', batch_size: $.batch_size, sorting_keys: ['tokens'] },
    },
    validation_data_loader: {
      batch_sampler: {
        type: 'subword_bucket', batch_size: $.batch_size, sorting_keys: ['tokens'], shuffle: false,
      },
    },
  },

  // Parameter groups of the fine-tuning optimizer. No weight decay on biases and LayerNorm
  // weights (as in BERT). With a `head_lr`, every parameter outside the pretrained encoder (the
  // task head, freshly initialised) gets that learning rate instead of `lr`; both groups follow
  // the same warmup/decay schedule. (allennlp refuses a parameter matched by two groups, so the
  // regexes are disjoint.)
  parameter_groups(head_lr)::
    local no_decay = '(bias|LayerNorm\\.weight|layer_norm\\.weight)';
    local encoder = '(?=.*transformer_model\\.)';
    local head = '(?!.*transformer_model\\.)';
    if head_lr == null then [
      [['bias', 'LayerNorm\\.weight', 'layer_norm\\.weight'], { weight_decay: 0.0 }],
    ] else [
      [['^' + encoder + '.*' + no_decay], { weight_decay: 0.0 }],
      [['^' + head + '.*' + no_decay], { weight_decay: 0.0, lr: head_lr }],
      [['^' + head + '(?!.*' + no_decay + ')'], { lr: head_lr }],
    ],

  // `head_lr` (fine-tuning only): the learning rate of the parameters outside the pretrained
  // encoder; `head_lr=none` gives every parameter `lr`, the paper's recipe. Each task config
  // passes its measured default (see README).
  head_lr(default)::
    local value = args.str('head_lr', if default == null || $.paper then 'none'
                                      else std.toString(default));
    if value == 'none' then null else std.parseJson(value),

  trainer(validation_metric, head_lr_default=null):: {
    // allennlp's trainer whose checkpoints keep the random generators' states (exact --recover).
    type: 'exact_resume_gradient_descent',
    num_epochs: args.json('epochs', if feature then 100 else 4),
    cuda_device: args.json('cuda_device', -1),
    // `amp=true`: automatic mixed precision on the GPU (torch autocast + gradient scaling).
    use_amp: amp,
    validation_metric: validation_metric,
    grad_norm: 1.0,
    checkpointer: { keep_most_recent_by_count: 1 },
  } + (if feature then {
    // Adam, lr 1e-3; the lr is halved after every epoch whose dev score is not a new best, and
    // training stops once it is below 1e-5. The learned layer weights are logged after every
    // epoch and written to layer_weights.json.
    optimizer: { type: 'adam', lr: args.json('lr', 1e-3) },
    learning_rate_scheduler: {
      type: 'reduce_on_validation_plateau',
      factor: args.json('lr_factor', 0.5),
      patience: 0,
    },
    callbacks: [
      { type: 'stop_when_lr_below', min_lr: args.json('min_lr', 1e-5) },
      { type: 'layer_weights' },
    ],
  } else {
    optimizer: {
      // Adam(W) with beta 0.9/0.999 and weight decay 0.01 (not on biases and LayerNorm
      // weights, as in BERT).
      type: 'adamw',
      lr: args.json('lr', 5e-5),
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0.01,
      parameter_groups: $.parameter_groups($.head_lr(head_lr_default)),
    },
    // Linear warmup over the first 10% of all optimizer steps, then linear decay to 0.
    learning_rate_scheduler: {
      type: 'linear_with_warmup_ratio',
      warmup_ratio: args.json('warmup_ratio', 0.1),
    },
  } + (if soft then {
    // Soft freezing: the distance of every encoder layer from its pretrained weights, logged
    // after every epoch and written to anchor_distance.json.
    callbacks: [{ type: 'anchor_distance' }],
  } else {})),

  // Train / dev (/ test when `test_path` is set) files. `train_path` and `dev_path` are
  // required; `example_train` / `example_dev` only name typical files in the message shown
  // when they are missing.
  data_paths(example_train, example_dev)::
    local test_path = args.str('test_path', '');
    local hint = 'the English training and dev files, e.g. `train_path=' + example_train +
                 ' dev_path=' + example_dev + ' allennlp train CONFIG -s runs/NAME' +
                 ' --include-package xlt_allennlp`';
    if test_path != '' && $.distributed != {} then
      error ('test_path cannot be used with distributed training (workers/cuda_devices): ' +
             'allennlp 2.10 evaluates it on the primary process only and crashes at the end. ' +
             'Train without it, then run `allennlp evaluate` on the archive.')
    else {
    train_data_path: args.required('train_path', hint),
    validation_data_path: args.required('dev_path', hint),
    [if test_path != '' then 'test_data_path']: test_path,
    [if test_path != '' then 'evaluate_on_test']: true,
    },

  seeds: { random_seed: $.seed, numpy_seed: $.seed, pytorch_seed: $.seed },

  // `workers=N` trains with allennlp's own distributed training (torch DDP, one process per
  // device): N CPU processes (gloo) by default, or the GPUs listed in `cuda_devices` ("[0, 1]").
  local workers = args.json('workers', 1),
  distributed: if workers > 1 || args.str('cuda_devices', '') != '' then {
    distributed: {
      cuda_devices: args.json('cuda_devices', std.makeArray(workers, function(i) -1)),
    },
  } else {},
}
