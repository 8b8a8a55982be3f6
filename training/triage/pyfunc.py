"""The triage model as an MLflow pyfunc: what ``models:/triage@champion`` loads.

Logged as MLflow "models from code" (``training/triage/model_code.py`` builds the wrapper)
through ``training.tracking.log_model``, the same way as the forecast model. The fitted
:class:`~features.triage_model.TriageModel` is the only pickled state: a gzip-compressed
pickle artifact rather than joblib (joblib unpickles with the pure-Python unpickler, ~0.8 s
for the ~150k vocabulary strings against ~0.2 s for the C unpickler plus decompression).
"""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import pandas as pd

from features.contract import Suggestion
from features.triage_model import dump_model_file, load_model_file
from training import legacy

ARTIFACT_KEY = "triage_model"
ARTIFACT_FILE = "triage_model.pkl.gz"
MODEL_CODE = Path(__file__).with_name("model_code.py")
SUGGESTION_COLUMNS = tuple(Suggestion.model_fields)
EXAMPLE_TEXT = "XX路XX小区5号楼，与邻居因停车位发生口角。"


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

    def predict(
        self, context, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
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
    """Exact versions of what the saved model needs at load time (plus this project)."""
    from importlib.metadata import version

    packages = ("mlflow", "scikit-learn", "scipy", "numpy", "pandas", "jieba", "pydantic")
    pins = [f"{p}=={version(p)}" for p in packages]
    return [*pins, f"zhconv=={version('zhconv')}", f"lightgbm=={version('lightgbm')}"]


def signature():
    """Input: a frame with one string column ``text``."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    return ModelSignature(inputs=Schema([ColSpec("string", "text")]))


def log_triage_model(model, workdir: Path) -> mlflow.models.model.ModelInfo:
    """Log ``model`` (a TriageModel) as a pyfunc in the active run; returns its ModelInfo."""
    from training import tracking

    workdir.mkdir(parents=True, exist_ok=True)
    path = dump_model_file(model, workdir / ARTIFACT_FILE)
    return tracking.log_model(
        MODEL_CODE,
        {ARTIFACT_KEY: str(path)},
        input_example=pd.DataFrame({"text": [EXAMPLE_TEXT]}),
        signature=signature(),
        pip_requirements=pip_requirements(),
    )
