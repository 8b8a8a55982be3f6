"""A hash table from non-zero 64-bit integer codes to integers, looked up a batch at a time.

The bulk vectorizer codes every n-gram of a batch as an integer (``features.ngram_codes``)
and needs each code's vocabulary column. A binary search in the sorted codes of a
60,000-entry vocabulary is 16 dependent steps per code; here a code is multiplied by a
large odd constant and its top bits pick a slot of a table twice the vocabulary's size
(open addressing, linear probing), so most codes are settled by one gather and one
comparison, done for the whole batch as array operations, and the few that meet another
code in their slot go round again. Code 0 marks an empty slot, so it cannot be a key (the
n-gram codes never are: every character and every token number adds at least 1). A batch
of small codes only (single characters of the BMP, single token numbers) is read from a
plain array indexed by the code instead: one read from a table a few times smaller.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CodeTable"]

_DIRECT = 1 << 17  # codes below this are also held in an array indexed by the code
_FEW = 512  # fewer codes than this are looked up by a binary search (fewer array calls)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd: Fibonacci hashing


class CodeTable:
    """``codes[i] → values[i]``; :meth:`get` gives -1 for a code that is not a key."""

    def __init__(self, codes: np.ndarray, values: np.ndarray) -> None:
        codes = np.asarray(codes, dtype=np.uint64)
        values = np.asarray(values, dtype=np.int64)
        if len(np.unique(codes)) != len(codes) or (codes == 0).any():
            raise ValueError("keys must be distinct and non-zero")
        bits = max(4, int(4 * len(codes)).bit_length())  # at most a quarter of the slots used
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.values = np.full(1 << bits, -1, dtype=np.int64)
        pending = np.arange(len(codes))
        slot = self._slots(codes)
        while len(pending):  # each round places one waiting code per free slot
            free = self.keys[slot] == 0
            chosen, first = np.unique(slot[free], return_index=True)
            placed = pending[free][first]
            self.keys[chosen] = codes[placed]
            self.values[chosen] = values[placed]
            waiting = np.ones(len(pending), dtype=bool)
            waiting[np.flatnonzero(free)[first]] = False
            pending = pending[waiting]
            slot = (slot[waiting] + ~free[waiting]) & self._mask  # a taken slot: the next one
        self._max_probe = self._longest_probe(codes)
        # keys and values side by side: a lookup's one random read is one cache line
        self._pairs = np.stack([self.keys, self.values.view(np.uint64)], axis=1)
        order = np.argsort(codes)  # for a few codes: a binary search touches less memory
        self._sorted, self._sorted_values = codes[order], values[order]
        # codes below _DIRECT (single characters, single token numbers) by plain indexing
        self._direct = np.full(_DIRECT, -1, dtype=np.int64)
        small = codes < _DIRECT
        self._direct[codes[small].astype(np.int64)] = values[small]

    def _slots(self, codes: np.ndarray) -> np.ndarray:
        return ((codes * _GOLDEN) >> self._shift).astype(np.int64)

    def _longest_probe(self, codes: np.ndarray) -> int:
        """The most slots any key is past its own (bounds a lookup's rounds)."""
        where = np.flatnonzero(self.keys)
        home = self._slots(self.keys[where])
        return int(((where - home) & self._mask).max()) if len(codes) else 0

    def get(self, codes: np.ndarray) -> np.ndarray:
        """The value of every code, -1 where it is not a key."""
        codes = np.asarray(codes, dtype=np.uint64)
        if len(codes) < _FEW or not len(self._sorted):  # one text: a binary search
            if not len(self._sorted):
                return np.full(len(codes), -1, dtype=np.int64)
            at = np.searchsorted(self._sorted, codes)
            at[at == len(self._sorted)] = 0
            return np.where(self._sorted[at] == codes, self._sorted_values[at], -1)
        if codes.max() < _DIRECT:  # every code a single character or token number
            return np.take(self._direct, codes.astype(np.int64))
        slot = self._slots(codes)
        pair = np.take(self._pairs, slot, axis=0)
        found = pair[:, 0]
        out = np.where(found == codes, pair[:, 1].view(np.int64), -1)
        # A code whose slot holds another key may sit further on (never past _max_probe).
        todo = np.flatnonzero(found != codes)
        todo = todo[found[todo] != 0]
        slot, codes = slot[todo], codes[todo]
        for _ in range(self._max_probe):
            if not len(todo):
                break
            slot = (slot + 1) & self._mask
            pair = np.take(self._pairs, slot, axis=0)
            found = pair[:, 0]
            hit = found == codes
            out[todo[hit]] = pair[hit, 1].view(np.int64)
            going = ~hit & (found != 0)
            todo, slot, codes = todo[going], slot[going], codes[going]
        return out
