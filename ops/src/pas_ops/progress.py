"""Progress bars on stderr (click's own; click comes with uvicorn). On a terminal a bar with the
count and time left; in a log (not a terminal) one line per bar, so logs stay readable."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import click


class Progress(Protocol):
    def update(self, n_steps: int) -> None: ...


@contextmanager
def progress(total: int, label: str) -> Iterator[Progress]:
    with click.progressbar(length=max(total, 0), label=label, file=sys.stderr, show_pos=True, show_eta=True) as bar:
        yield bar
