import pytest

from xlt_allennlp.modules.sliding_window import Window, sliding_windows


def test_short_sequence_is_one_window() -> None:
    assert sliding_windows(10, 126, 64) == [Window(0, 0, 10)]
    assert sliding_windows(126, 126, 64) == [Window(0, 0, 126)]
    assert sliding_windows(0, 126, 64) == [Window(0, 0, 0)]


def test_windows_carry_64_subwords_of_context() -> None:
    # 126 content subwords per window (128 minus [CLS] and [SEP]); each later window repeats
    # the last 64 subwords of the previous one and adds 62 new ones.
    windows = sliding_windows(300, 126, 64)
    assert windows == [
        Window(0, 0, 126),
        Window(62, 126, 188),
        Window(124, 188, 250),
        Window(186, 250, 300),
    ]
    for previous, current in zip(windows, windows[1:], strict=False):
        assert previous.end - current.start == 64  # overlap = carried context
        assert current.owned_start == previous.end
        assert current.end - current.start <= 126


@pytest.mark.parametrize("length", [1, 125, 126, 127, 188, 189, 1000, 4097])
def test_every_subword_owned_exactly_once(length: int) -> None:
    owned = [i for w in sliding_windows(length, 126, 64) for i in range(w.owned_start, w.end)]
    assert owned == list(range(length))


def test_context_must_leave_room_for_new_subwords() -> None:
    with pytest.raises(ValueError, match="must be larger than the carried context"):
        sliding_windows(10, 64, 64)
