"""Forecasting calls per grid per hour: models, intervals, backtests, tracking, planner output."""
