"""Model monitoring: drift against the training reference, agreement with call takers and
forecast error (``jingqing monitor``, ``GET /monitor``). Pure code: no mlflow, no bentoml."""
