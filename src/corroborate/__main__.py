"""``python -m corroborate``: the same as the ``corroborate`` command."""

from .cli import main

main()
