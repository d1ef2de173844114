"""BoundedHistory: the newest entries within a count and a byte budget."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_kit.bounded import BoundedHistory, sized_len


@given(
    limit=st.integers(0, 6),
    budget=st.integers(0, 50),
    sizes=st.lists(st.integers(0, 30), max_size=40),
)
def test_bounded_keeps_the_newest_suffix_within_count_and_bytes(
    limit: int, budget: int, sizes: list[int]
) -> None:
    """Kept entries are the newest ones, at most ``limit``, within budget unless one is left."""
    history: BoundedHistory[int] = BoundedHistory(limit, budget)
    for index, size in enumerate(sizes):
        history.append(index, size)
    kept = list(history)
    assert kept == list(range(len(sizes)))[len(sizes) - len(kept) :]  # a suffix, in order
    assert len(kept) <= limit
    assert history.held == sum(sizes[i] for i in kept)
    assert history.held <= budget or len(kept) == 1
    if sizes and limit:
        assert kept[-1] == len(sizes) - 1  # the newest always stays
        # nothing was dropped that would have fitted: one more entry breaks a bound
        if len(kept) < len(sizes):
            older = len(sizes) - len(kept) - 1
            assert len(kept) == limit or history.held + sizes[older] > budget


def test_bounded_pop_and_indexing_read_like_a_deque() -> None:
    """``pop`` takes the newest and gives back its bytes; indexing and reversed work."""
    history: BoundedHistory[str] = BoundedHistory(3, 100)
    for text in ("a", "bb", "ccc", "dddd"):
        history.append(text, len(text))
    assert list(history) == ["bb", "ccc", "dddd"] and history[0] == "bb" and history[-1] == "dddd"
    assert list(reversed(history)) == ["dddd", "ccc", "bb"] and history.maxlen == 3
    assert history.pop() == "dddd" and history.held == 5 and len(history) == 2


def test_bounded_sized_len_counts_bytes_and_text_only() -> None:
    """Bytes and str count their length; numbers, tuples and None count 0."""
    assert sized_len(b"abc") == 3 and sized_len("héllo") == 5
    assert sized_len(12345) == sized_len((b"x" * 10,)) == sized_len(None) == 0
