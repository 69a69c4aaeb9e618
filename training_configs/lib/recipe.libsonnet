// The shared training recipe of Wu & Dredze (2019, section 5), used by every task config.
local args = import 'args.libsonnet';

{
  encoder: args.str('encoder', 'fixtures/encoders/tiny-mbert'),
  seed: args.json('seed', 13),
  batch_size: args.json('batch_size', 32),
  local freeze = args.str('freeze', 'none'),
  freeze: if freeze == 'none' then -1 else std.parseJson(freeze),

  // Indexer + embedder pair for word-level tasks: the sliding window of section 5, 128 subwords
  // per window (special tokens included), each later window repeating the last 64 subwords of
  // the previous one as context; every word is represented by its first subword.
  first_subword_indexer: {
    tokens: { type: 'pretrained_transformer_first_subword', model_name: $.encoder },
  },
  first_subword_embedder: {
    token_embedders: {
      tokens: {
        type: 'pretrained_transformer_first_subword',
        model_name: $.encoder,
        max_length: args.json('max_length', 128),
        context: args.json('context', 64),
        // Freeze the embeddings (0) and the n lowest blocks; "none" or -1 fine-tunes all.
        freeze_layers: $.freeze,
      },
    },
  },

  // Length-bucketed batches: little compute goes to padding.
  data_loaders: {
    data_loader: {
      batch_sampler: { type: 'bucket', batch_size: $.batch_size, sorting_keys: ['tokens'] },
    },
    validation_data_loader: {
      batch_sampler: {
        type: 'bucket', batch_size: $.batch_size, sorting_keys: ['tokens'], shuffle: false,
      },
    },
  },

  trainer(validation_metric):: {
    num_epochs: args.json('epochs', 4),
    cuda_device: args.json('cuda_device', -1),
    validation_metric: validation_metric,
    grad_norm: 1.0,
    optimizer: {
      // Adam(W) with beta 0.9/0.999 and weight decay 0.01 (not on biases and LayerNorm
      // weights, as in BERT).
      type: 'adamw',
      lr: args.json('lr', 5e-5),
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0.01,
      parameter_groups: [
        [['bias', 'LayerNorm\\.weight', 'layer_norm\\.weight'], { weight_decay: 0.0 }],
      ],
    },
    // Linear warmup over the first 10% of all optimizer steps, then linear decay to 0.
    learning_rate_scheduler: {
      type: 'linear_with_warmup_ratio',
      warmup_ratio: args.json('warmup_ratio', 0.1),
    },
    checkpointer: { keep_most_recent_by_count: 1 },
  },

  // Train / dev (/ test when `test_path` is set) files.
  data_paths(train, dev)::
    local test_path = args.str('test_path', '');
    if test_path != '' && $.distributed != {} then
      error ('test_path cannot be used with distributed training (workers/cuda_devices): ' +
             'allennlp 2.10 evaluates it on the primary process only and crashes at the end. ' +
             'Train without it, then run `allennlp evaluate` on the archive.')
    else {
    train_data_path: args.str('train_path', train),
    validation_data_path: args.str('dev_path', dev),
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
