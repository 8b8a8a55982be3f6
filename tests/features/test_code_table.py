"""The code table answers as a dict of the same keys does, for keys, misses and clusters."""

from __future__ import annotations

import numpy as np
import pytest

from features.code_table import CodeTable


@pytest.mark.parametrize("size", [1, 7, 1_000, 60_000])
def test_lookups_equal_a_dicts(size: int) -> None:
    # Given random 63-bit keys and their values, plus codes that are not keys
    rng = np.random.default_rng(size)
    keys = np.unique(rng.integers(1, 2**63, size=size, dtype=np.uint64))
    values = rng.permutation(len(keys)).astype(np.int64)
    table = CodeTable(keys, values)
    queries = np.concatenate([keys, rng.integers(1, 2**63, size=5 * size, dtype=np.uint64)])
    rng.shuffle(queries)
    # when looked up at once, then every code gets its value and every other code -1
    expected = dict(zip(keys.tolist(), values.tolist(), strict=True))
    assert table.get(queries).tolist() == [expected.get(q, -1) for q in queries.tolist()]


def test_keys_that_share_a_slot_are_all_found() -> None:
    # Given consecutive small codes and multiples of 2**40 (they crowd a few slots)
    keys = np.concatenate([np.arange(1, 5_000), np.arange(1, 300) << 40]).astype(np.uint64)
    table = CodeTable(keys, np.arange(len(keys)))
    assert table.get(keys).tolist() == list(range(len(keys)))
    assert (table.get(keys + np.uint64(2**62)) == -1).all()
    assert table.get(np.zeros(0, dtype=np.uint64)).tolist() == []


def test_zero_and_repeated_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        CodeTable(np.asarray([0, 1], dtype=np.uint64), np.asarray([0, 1]))
    with pytest.raises(ValueError):
        CodeTable(np.asarray([3, 3], dtype=np.uint64), np.asarray([0, 1]))


def test_a_batch_of_small_codes_is_read_from_the_direct_array() -> None:
    # Given small keys (single characters) and large ones in one table
    rng = np.random.default_rng(4)
    small = np.unique(rng.integers(1, 70_000, size=3_000)).astype(np.uint64)
    large = np.unique(rng.integers(2**30, 2**62, size=3_000, dtype=np.uint64))
    keys = np.concatenate([small, large])
    table = CodeTable(keys, np.arange(len(keys)))
    expected = dict(zip(keys.tolist(), range(len(keys)), strict=True))
    # when a batch holds only codes below 2**17 (hits and misses), or also large ones
    for queries in (rng.integers(0, 2**17, size=4_000), np.concatenate([small, large])):
        queries = queries.astype(np.uint64)
        # then every code gets its value, -1 if it is not a key
        assert table.get(queries).tolist() == [expected.get(q, -1) for q in queries.tolist()]
