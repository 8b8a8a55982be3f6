"""Linking the calls that report one incident: fitting the scorer and the ``link`` command."""
