"""MLflow "models from code" entry of the triage model: MLflow runs this file on load."""

from mlflow.models import set_model

from training.triage.pyfunc import TriagePyfunc

set_model(TriagePyfunc())
