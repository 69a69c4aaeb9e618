from allennlp.common import Params
from allennlp.data import Instance, Token, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.samplers import BatchSampler

from tests import TINY_MBERT
from xlt_allennlp.data.bucket_batch_sampler import SubwordBucketBatchSampler, padded_length
from xlt_allennlp.data.token_indexers.first_subword_indexer import (
    PretrainedTransformerFirstSubwordIndexer,
)


def indexed(words: list[str], vocab: Vocabulary) -> Instance:
    indexer = PretrainedTransformerFirstSubwordIndexer(str(TINY_MBERT))
    instance = Instance({"tokens": TextField([Token(w) for w in words], {"tokens": indexer})})
    instance.index_fields(vocab)
    return instance


def test_buckets_by_subwords_not_words() -> None:
    vocab = Vocabulary()
    instances = [
        indexed(["Donaudampfschifffahrtsgesellschaft", "Kapitänsmützenabzeichen"], vocab),
        indexed(list("abcdef"), vocab),
        indexed(list("ghijklmnop"), vocab),
        indexed(list("qrstuv"), vocab),
    ]
    subwords = [padded_length(instance["tokens"]) for instance in instances]
    assert subwords == [subwords[0], 6, 10, 6] and subwords[0] > 10  # 2 words, many subwords
    sampler = BatchSampler.from_params(
        Params(
            {"type": "subword_bucket", "batch_size": 2, "sorting_keys": ["tokens"],
             "padding_noise": 0}
        )  # fmt: skip
    )
    assert isinstance(sampler, SubwordBucketBatchSampler)
    # By words (allennlp's sampler) the 2-word sentence would come first and be batched with a
    # 6-word one: [[0, 1], [2, 3]]. By subwords it goes with the 10-subword one.
    assert sorted(sorted(batch) for batch in sampler.get_batch_indices(instances)) == [
        [0, 2],
        [1, 3],
    ]
    order, lengths = sampler._argsort_by_padding(instances)
    assert order == [1, 3, 2, 0] and lengths == [[6], [6], [10], [subwords[0]]]


def test_a_text_field_not_indexed_yet_counts_its_words() -> None:
    indexer = PretrainedTransformerFirstSubwordIndexer(str(TINY_MBERT))
    field = TextField(
        [Token(w) for w in ["Donaudampfschifffahrtsgesellschaft", "a"]], {"t": indexer}
    )
    assert padded_length(field) == 2
    field.index(Vocabulary())
    assert padded_length(field) > 2
