"""Exceptions that the CLI turns into exit codes (2 for bad input or usage, 1 for anything else)."""

from __future__ import annotations


class InputError(Exception):
    """Bad input or usage: the CLI prints the message (no traceback) and exits 2."""


class ValidationErrors(InputError):
    """Several input errors found at once (e.g. every bad row of a registry file)."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class NotAvailable(InputError):
    """A capability that this build does not implement; said plainly, exit 2."""
