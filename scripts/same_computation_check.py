"""Losses of the first training steps with the random state set after the model is built.

Compares what two environments (e.g. two transformers versions) compute, apart from the random
numbers that loading the encoder consumes: builds the model of a task config on real data,
seeds torch/random/numpy, draws the task head's weights anew (normal, std 0.02), then runs
`--steps` optimizer steps with the config's optimizer and prints the losses. Run it in each
environment; equal losses mean equal computation. Nothing here is used by the package or the
tests. Example:

    .venv/bin/python scripts/same_computation_check.py training_configs/pos.jsonnet \
        --encoder ENCODER --data TRAIN.conllu
"""

import argparse
import os
import random

import numpy
import torch
from allennlp.common import Params
from allennlp.data import DataLoader, DatasetReader, Vocabulary
from allennlp.models import Model
from allennlp.training.optimizers import Optimizer

import xlt_allennlp  # noqa: F401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("config")
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    os.environ.update(encoder=args.encoder, train_path=args.data, dev_path=args.data)
    params = Params.from_file(args.config)
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    loader = DataLoader.from_params(params.pop("data_loader"), reader=reader, data_path=args.data)
    vocab = Vocabulary.from_instances(loader.iter_instances())
    loader.index_with(vocab)
    model = Model.from_params(params.pop("model"), vocab=vocab)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    numpy.random.seed(args.seed)
    for name, parameter in model.named_parameters():
        if "transformer_model" not in name:  # the task head: the same draws everywhere
            torch.nn.init.normal_(parameter, std=0.02)
    trainable = [[n, p] for n, p in model.named_parameters() if p.requires_grad]
    optimizer = Optimizer.from_params(
        model_parameters=trainable, params=params.pop("trainer").pop("optimizer")
    )
    model.train()
    batches = iter(loader)
    losses = []
    for _ in range(args.steps):
        optimizer.zero_grad()
        loss = model(**next(batches))["loss"]
        loss.backward()
        optimizer.step()
        losses.append(f"{loss.item():.6f}")
    print(" ".join(losses))


if __name__ == "__main__":
    main()
