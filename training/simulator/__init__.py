"""Synthetic city simulator."""
