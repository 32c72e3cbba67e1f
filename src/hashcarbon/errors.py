"""One exception family for problems a user can fix.

Every message is a single line that names the field, file or parameter and
what was expected.  The CLI turns :class:`HashcarbonError` into that line on
stderr and exit code 2; any other exception is a bug.
"""

from __future__ import annotations


class HashcarbonError(Exception):
    """Base class of all user-fixable errors (bad input, missing table, ...)."""

    def __init__(self, message: str) -> None:
        # Keep messages to one line whatever the caller passed.
        super().__init__(" ".join(str(message).split()))


class DataError(HashcarbonError):
    """A data table is missing, corrupted or fails its schema."""


class InputError(HashcarbonError):
    """A user-supplied value (CLI option, function argument) is invalid."""


class ScenarioError(HashcarbonError):
    """A scenario file or scenario field is invalid."""


class ParameterError(HashcarbonError):
    """An unknown model parameter name or an invalid parameter value."""
