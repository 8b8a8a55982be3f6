"""Whether a text holds anything a triage model can read: Chinese words.

A model trained on call descriptions still returns a distribution for ``"?"``, ``"123"``,
emoji or a string of zero-width characters, and that distribution can look confident
(non_police 0.985 was seen). Such texts carry no call content, so the model's answer for
them is shrunk towards uniform and always flagged for review.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["lacks_chinese"]

# CJK ideographs: unified, extension A, compatibility (extension B+ are rare in calls).
_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def lacks_chinese(texts: list[str]) -> np.ndarray:
    """A boolean per text: True when it holds no Chinese character at all."""
    return np.fromiter(
        (not (isinstance(t, str) and _CHINESE.search(t)) for t in texts),
        dtype=bool,
        count=len(texts),
    )
