"""Errors that describe a user's mistake, shown as one clear line by the command line."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or configuration from the user: printed without a traceback, exit code 1."""


class DataProblems(UserError):
    """A data file failed validation; carries one human-readable line per problem."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(f"{head}{len(self.problems)} problem(s); first: {self.problems[0]}")
