r"""Progress of reading and checking a file: a callback protocol, and a text bar for a terminal (no UI code here).

:func:`geo.validate.validate_file` calls ``progress(done, total, stage)`` once the file is read
and after each check of :data:`geo.validate.run.CHECKS` (the checks run over whole columns, so
steps, not rows, are what is done). The app turns the calls into ``st.progress``; the CLI
into a line on stderr when stderr is a terminal (:func:`terminal_progress`).

Examples
--------
>>> import io
>>> out = io.StringIO()
>>> bar = TextProgress(out, width=10)
>>> bar(1, 4, "read"); bar(4, 4, "done")
>>> out.getvalue().split("\r")[1:]
['[##        ]  25 % read', '[##########] 100 % done\n']

"""

from __future__ import annotations

from typing import Protocol, TextIO

__all__ = ["Progress", "TextProgress", "report", "terminal_progress"]


class Progress(Protocol):
    """Told how far the work is: ``done`` of ``total`` steps, and the name of the step just done."""

    def __call__(self, done: int, total: int, stage: str) -> None:
        """Record progress (never raises into the caller's work)."""


def report(progress: Progress | None, done: int, total: int, stage: str) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(done, total, stage)


class TextProgress:
    """A one-line bar rewritten in place (carriage return) on ``stream``; a newline once complete."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        """Draw on ``stream``, ``width`` characters wide."""
        self.stream, self.width = stream, width

    def __call__(self, done: int, total: int, stage: str) -> None:
        """Redraw the bar at ``done`` / ``total``."""
        share = min(1.0, done / total) if total else 1.0
        filled = round(share * self.width)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.width - filled)}] {share * 100:3.0f} % {stage}{end}")
        self.stream.flush()


def terminal_progress(stream: TextIO) -> Progress | None:
    """A :class:`TextProgress` on ``stream`` when it is a terminal, else None (no bar in logs or pipes)."""
    isatty = getattr(stream, "isatty", None)
    return TextProgress(stream) if isatty is not None and isatty() else None
