"""Champions pickled before the predict-time objects moved to ``features`` still unpickle."""

from __future__ import annotations

import pickle

from features.triage_model import Head
from training import legacy


def test_a_pickle_naming_the_old_module_loads_the_moved_class() -> None:
    # Given a pickle written when Head lived in training.triage.model (same-length name)
    blob = pickle.dumps(Head(constant="12345"), protocol=5)
    old = blob.replace(b"features.triage_model", b"training.triage.model")
    assert old != blob
    # When the aliases are installed and it is read back
    legacy.install()
    head = pickle.loads(old)
    # Then it is the moved class, with its state
    assert type(head) is Head and head.constant == "12345"
