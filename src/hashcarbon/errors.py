"""One exception family for problems a user can fix.

Every message is a single line that names the field, file or parameter and
what was expected.  The CLI turns :class:`HashcarbonError` into that line on
stderr and exit code 2; any other exception is a bug.

Each subclass also derives from the matching built-in exception, so callers
may catch either the project's class or the built-in one:

* ``InputError`` (a ``ValueError``): a bad argument or CLI option;
* ``ParameterError`` (an ``InputError``): an unknown or invalid model parameter;
* ``ScenarioError`` (a ``ValueError``): a bad scenario file or field;
* ``DataError`` (a ``ValueError`` and an ``OSError``): a missing or damaged data table;
* ``OutputError`` (an ``OSError`` and an ``InputError``): an output path that cannot be
  written, a full disk.

Examples
--------
>>> from hashcarbon.errors import InputError
>>> try:
...     raise InputError("start: expected a date\\nsuch as 2021-06")
... except ValueError as exc:
...     print(exc)
start: expected a date such as 2021-06
"""

from __future__ import annotations

import errno as _errno

__all__ = [
    "DataError",
    "HashcarbonError",
    "InputError",
    "OutputError",
    "ParameterError",
    "ScenarioError",
]


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


class HashcarbonError(Exception):
    """Base class of all user-fixable errors (bad input, missing table, ...)."""

    def __init__(self, message: object = "") -> None:
        # Keep messages to one line whatever the caller passed.
        super().__init__(_one_line(message))

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InputError(HashcarbonError, ValueError):
    """A user-supplied value (CLI option, function argument) is invalid."""


class ScenarioError(HashcarbonError, ValueError):
    """A scenario file or scenario field is invalid."""


class ParameterError(InputError):
    """An unknown model parameter name or an invalid parameter value (a kind of InputError)."""


class _OSErrorFamily(HashcarbonError, OSError):
    """A user-fixable error that is also an :class:`OSError` (keeps a one-line ``str``)."""

    def __init__(self, message: object = "", errno: int | None = None) -> None:
        HashcarbonError.__init__(self, message)
        if errno is not None:
            self.errno = errno
            self.strerror = _errno.errorcode.get(errno, "")

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DataError(_OSErrorFamily, ValueError):
    """A data table is missing, corrupted or fails its schema."""


class OutputError(_OSErrorFamily, InputError):
    """An output path cannot be written (read-only, a directory, a device, disk full, ...).

    An :class:`OSError` (with ``errno``), and an :class:`InputError` since the path is
    the user's input.
    """
