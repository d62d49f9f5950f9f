"""Exceptions raised by corroborate.

The hierarchy is deliberately small::

    CorroborateError
    ├── InputError              one input cannot be captured; the batch goes on without it
    │   ├── EmptyInput          zero bytes, or no report text in it
    │   ├── TooLarge            over the configured size limit
    │   ├── UndecodableInput    binary, or not text in any encoding we accept
    │   ├── CorruptInput        a truncated or damaged container (gzip, WARC)
    │   └── MalformedInput      HTML, CSV or JSON that does not parse
    ├── CollectionError         the collection cannot be opened or written as asked
    │   ├── LogDamaged          the custody log does not end in a whole, chained entry
    │   ├── SealError           encrypted data that does not open (wrong key, altered, cut)
    │   └── CollectionBusy      another writer held the collection past the time allowed
    └── ReviewConflict          a review decision made on a value someone else has changed

Library code raises these; only the CLI turns them into ``click.ClickException``.
"""

from __future__ import annotations

__all__ = [
    "CollectionBusy",
    "CollectionError",
    "CorroborateError",
    "CorruptInput",
    "EmptyInput",
    "InputError",
    "LogDamaged",
    "MalformedInput",
    "ReviewConflict",
    "SealError",
    "TooLarge",
    "UndecodableInput",
]


class CorroborateError(Exception):
    """Base class of every error corroborate raises on purpose."""


class InputError(CorroborateError):
    """An input (file, record, stdin) that cannot be captured.

    ``origin`` names the input as the user gave it (a path, ``path:line`` for a record
    inside a container, or ``-`` for stdin); ``reason`` says what is wrong in plain words.
    """

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # pickled from its fields, not its message: it crosses to worker processes
        return type(self), (self.origin, self.reason)


class EmptyInput(InputError):
    """The input holds no bytes, or no report text."""


class TooLarge(InputError):
    """The input is larger than the configured limit."""


class UndecodableInput(InputError):
    """The input is binary, or text in no encoding we can read."""


class CorruptInput(InputError):
    """A compressed or container file is truncated or damaged."""


class MalformedInput(InputError):
    """HTML, CSV or JSON that does not parse."""


class CollectionError(CorroborateError):
    """The collection cannot be opened or written: missing, foreign, a newer schema, locked
    by another writer, a wrong passphrase."""


class LogDamaged(CollectionError):
    """The custody log does not end in a whole, chained entry: no writer may append.

    ``corroborate verify`` names every problem; ``corroborate repair`` moves a damaged end
    aside, keeping its bytes and logging what it did.
    """


class SealError(CollectionError):
    """Sealed data that cannot be opened: wrong key, altered, truncated or not sealed."""


class CollectionBusy(CollectionError):
    """Another writer held the collection's write lock for longer than the caller waits."""


class ReviewConflict(CorroborateError):
    """A review decision that was made on a value another reviewer has decided on since.

    ``current`` is the decision that now stands (a ``review.Decision``): the reviewer is
    told what changed, and nothing is overwritten silently.
    """

    def __init__(self, message: str, current: object) -> None:
        super().__init__(message)
        self.current = current
