"""MLflow "models from code" entry of the forecast model: MLflow runs this file on load."""

from mlflow.models import set_model

from training.forecast.pyfunc import ForecastModel

set_model(ForecastModel())
