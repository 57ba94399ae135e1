"""A process's memo keeps the values most recently used and lets the oldest go."""

from paperwire.memo import RecentlyUsed


def test_the_least_recently_used_value_goes_first():
    memo = RecentlyUsed(size=2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # used again: now "b" is the oldest
    memo.put("c", 3)
    assert memo.get("b") is None
    assert (memo.get("a"), memo.get("c")) == (1, 3)


def test_a_value_put_again_replaces_the_old_one():
    memo = RecentlyUsed(size=2)
    memo.put("a", 1)
    memo.put("a", 2)
    memo.put("b", 3)
    assert (memo.get("a"), memo.get("b")) == (2, 3)
