"""The triage model as an MLflow pyfunc: what ``models:/triage@champion`` loads.

The fitted :class:`~features.triage_model.TriageModel` is stored as a gzip-compressed
pickle artifact rather than with joblib: joblib unpickles with the pure-Python unpickler,
which takes ~0.8 s for the ~150k vocabulary strings against ~0.2 s for the C unpickler
plus decompression. The wrapper itself holds nothing, so the pickled ``python_model``
stays tiny and the model loads within the 3-second budget. ``code_paths`` ship the ``features`` and
``training`` packages so a process without the project installed can still load it.
"""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import pandas as pd

from features.contract import Suggestion
from training import legacy

ARTIFACT_KEY = "triage_model"
ARTIFACT_FILE = "triage_model.pkl.gz"
SUGGESTION_COLUMNS = tuple(Suggestion.model_fields)


class TriagePyfunc(mlflow.pyfunc.PythonModel):
    """``suggest(texts) -> list[Suggestion]`` and ``predict(DataFrame[text]) -> DataFrame``."""

    def __init__(self) -> None:
        self.model = None

    def load_context(self, context) -> None:
        legacy.install()  # champions pickled before the predict-time objects moved
        self.model = load_model_file(context.artifacts[ARTIFACT_KEY])
        # Warm up (jieba's dictionary, regex tables) so the first real request is fast and
        # "loaded" means "ready".
        self.model.suggest(["预热"])

    @property
    def classes(self) -> list[str]:
        """Category labels, from the fitted model (never a typed-in list)."""
        return self.model.classes

    def suggest(self, texts: list[str]) -> list[Suggestion]:
        """One suggestion per text, in order (the answer contract, ``features.contract``)."""
        return self.model.suggest([str(t) for t in texts])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        """The suggestions for a frame with a ``text`` column (or a list/Series of texts)."""
        if isinstance(model_input, pd.DataFrame):
            if "text" not in model_input.columns:
                raise ValueError("triage model input needs a 'text' column")
            texts = model_input["text"].fillna("").astype(str).tolist()
        else:
            texts = [str(t) for t in model_input]
        rows = [s.model_dump() for s in self.suggest(texts)]
        return pd.DataFrame(rows, columns=list(SUGGESTION_COLUMNS))


def pip_requirements() -> list[str]:
    """Exact versions of what the saved model needs at load time."""
    from importlib.metadata import version

    packages = ("mlflow", "scikit-learn", "scipy", "numpy", "pandas", "joblib", "jieba")
    pins = [f"{p}=={version(p)}" for p in packages]
    return [*pins, f"zhconv=={version('zhconv')}", f"lightgbm=={version('lightgbm')}"]


def code_paths() -> list[str]:
    """The project packages the pickled model refers to."""
    import features
    import training

    return [str(Path(features.__file__).parent), str(Path(training.__file__).parent)]


def dump_model_file(model, path: Path) -> Path:
    """Write a TriageModel as a gzip-compressed pickle (protocol 5)."""
    import gzip
    import pickle

    path.write_bytes(gzip.compress(pickle.dumps(model, protocol=5), compresslevel=3))
    return path


def load_model_file(path: str | Path):
    """Read a TriageModel written by :func:`dump_model_file`."""
    import gzip
    import pickle

    return pickle.loads(gzip.decompress(Path(path).read_bytes()))  # noqa: S301 - own artifact


def log_triage_model(model, workdir: Path) -> mlflow.models.model.ModelInfo:
    """Log ``model`` (a TriageModel) as a pyfunc in the active run; returns its ModelInfo."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = dump_model_file(model, workdir / ARTIFACT_FILE)
    return mlflow.pyfunc.log_model(
        name="model",
        python_model=TriagePyfunc(),
        artifacts={ARTIFACT_KEY: str(path)},
        code_paths=code_paths(),
        pip_requirements=pip_requirements(),
    )
