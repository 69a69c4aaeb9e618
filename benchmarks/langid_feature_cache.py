"""How much time the layer-feature cache of `langid-layers` saves.

Without the cache, a probe per layer needs the paragraphs' hidden states once per layer: L+1
forward passes over the data. `mean_layer_features` runs the encoder once for all layers and
writes the result; a later call reads it back. Prints, in one process: the time of L+1 passes
(one per layer), of the one pass that fills the cache (with the write), of a cached call, and
the ratios.

    .venv/bin/python benchmarks/langid_feature_cache.py                    # tiny encoder, fixture
    .venv/bin/python benchmarks/langid_feature_cache.py ../e5-small ud.tsv # any encoder, texts
    .venv/bin/python benchmarks/langid_feature_cache.py --cuda             # on GPU 0, peak memory
"""

import sys
import tempfile
import time

import torch

import xlt_allennlp  # noqa: F401
from xlt_allennlp.analysis.layer_features import frozen_backbone, mean_layer_features


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    cuda = "--cuda" in sys.argv[1:]
    arguments = [argument for argument in sys.argv[1:] if argument != "--cuda"]
    encoder = arguments[0] if arguments else "fixtures/encoders/tiny-mbert"
    path = arguments[1] if len(arguments) > 1 else "fixtures/data/wili/x_train.txt"
    device = 0 if cuda else -1
    lines = open(path, encoding="utf-8").read().splitlines()
    texts = [line.split("\t", 1)[-1] for line in lines if line.strip()]
    layers = frozen_backbone(encoder).config.num_hidden_layers + 1
    mean_layer_features(encoder, texts[:8], cuda_device=device)  # warm-up: first-call overheads
    passes = [
        timed(lambda: mean_layer_features(encoder, texts, cuda_device=device))
        for _ in range(layers)
    ]
    per_layer = sum(passes)
    with tempfile.TemporaryDirectory() as cache:
        filling = timed(
            lambda: mean_layer_features(encoder, texts, cache_dir=cache, cuda_device=device)
        )
        cached = timed(
            lambda: mean_layer_features(encoder, texts, cache_dir=cache, cuda_device=device)
        )
    print(f"encoder {encoder}, {len(texts)} texts from {path}, {layers} layers")
    print(f"one forward pass per layer ({layers} passes): {per_layer:.2f} s "
          f"(each {min(passes):.2f}-{max(passes):.2f} s)")  # fmt: skip
    print(f"first call, one pass + cache write:          {filling:.2f} s")
    print(f"second call, read from the cache:            {cached:.3f} s")
    print(f"saved: first call {per_layer / filling:.1f}x faster, a cached call "
          f"{per_layer / cached:.0f}x faster than one pass per layer")  # fmt: skip
    if cuda:
        print(f"peak GPU memory {torch.cuda.max_memory_allocated(0) / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
