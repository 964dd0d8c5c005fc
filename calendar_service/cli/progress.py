"""Where the command line writes: results on stdout, progress and errors on stderr.

Progress bars (rich) draw only when stderr is a terminal; piped or captured
output stays plain, so scripts and tests can parse stdout line by line.
Tables render with box-drawing on a terminal and as plain aligned text
otherwise.
"""

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

PLAIN_WIDTH = 200  # piped output: wide enough that table rows do not wrap

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
if not out.is_terminal:
    out.width = PLAIN_WIDTH


def say(message: str) -> None:
    """One plain line on stdout (never wrapped, never styled when piped)."""
    out.print(message, markup=False)


def progress_bar() -> Progress:
    """A per-item progress bar on stderr; silent when stderr is not a terminal."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )


def print_table(
    title: str | None, headers: Sequence[str], rows: Iterable[Sequence[object]], wrap: Sequence[str] = ()
) -> None:
    """A table on stdout: ruled on a terminal, plain columns when piped.

    Only the columns named in `wrap` (default: the last one) wrap on a narrow terminal.
    """
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD if out.is_terminal else None,
        show_edge=out.is_terminal,
        pad_edge=False,
        title_justify="left",
    )
    for index, header in enumerate(headers):
        wraps = header in wrap or (not wrap and index == len(headers) - 1)
        table.add_column(header, no_wrap=not wraps, overflow="fold", min_width=10 if wraps else None)
    for row in rows:
        table.add_row(*(Text("-" if cell is None or cell == "" else str(cell)) for cell in row))
    out.print(table)
