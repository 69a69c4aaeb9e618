"""Sliding-window layout over a subword sequence (Wu & Dredze 2019, section 5)."""

from typing import NamedTuple


class Window(NamedTuple):
    """Content subwords ``[start, end)`` go into the window; ``[owned_start, end)`` are new in it.

    Subwords in ``[start, owned_start)`` are context carried over from the previous window; every
    subword is owned by exactly one window, whose output is the one used for it.
    """

    start: int
    owned_start: int
    end: int


def sliding_windows(num_subwords: int, window_content: int, context: int) -> list[Window]:
    """Lays windows of at most `window_content` subwords over a sequence.

    The first window takes the first `window_content` subwords. Each later window starts with the
    last `context` subwords of the previous window as left context and adds up to
    ``window_content - context`` new ones, so the owned ranges partition ``[0, num_subwords)``.
    """
    if context < 0 or window_content <= context:
        raise ValueError(
            f"window content ({window_content} subwords) must be larger than the carried "
            f"context ({context} subwords)"
        )
    windows = [Window(0, 0, min(num_subwords, window_content))]
    while windows[-1].end < num_subwords:
        previous_end = windows[-1].end
        start = previous_end - context
        windows.append(Window(start, previous_end, min(start + window_content, num_subwords)))
    return windows
