"""The CSV side of the import commands (`import_employment`, `import_national_register`).

A header row names the columns; empty cells are null. The file is read as a
stream and handed to the import's own runner 5,000 rows per transaction, so
memory stays constant; a progress line goes to a terminal's stderr and the
summary is printed at the end (the last line, as JSON).
"""

import csv
import json
import sys
from collections.abc import Callable, Iterable

from django.core.management.base import CommandError

from .batch import Importer, run_file_import

TRUE = frozenset({"true", "1", "yes", "y", "t"})
FALSE = frozenset({"", "false", "0", "no", "n", "f"})


def row_item(row: dict, booleans: Iterable[str] = ()) -> dict:
    """A CSV row as an API item: empty cells null, boolean columns parsed (anything else left as text,
    which the importer then refuses as a 400 item)."""
    item = {key: (value if value != "" else None) for key, value in row.items() if key is not None}
    for name in booleans:
        text = (row.get(name) or "").strip().lower()
        if text in TRUE:
            item[name] = True
        elif text in FALSE:
            item[name] = False
    return item


def open_csv(file: str):
    try:
        return sys.stdin if file == "-" else open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}") from None


def progress_printer(stream=None) -> Callable[[int, dict], None] | None:
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def progress(done: int, summary: dict) -> None:
        stream.write(f"\r{done:,} rows: {', '.join(f'{k} {v:,}' for k, v in summary.items())}")
        stream.flush()

    return progress


def import_csv(
    command, file: str, importer: Importer, *, required: tuple[str, ...], booleans: tuple[str, ...] = (), runner=None
) -> dict[str, int]:
    """Stream `file` through `importer` (or `runner(importer, handle, progress)`, a faster path over
    the same rules), print the summary on the command's stdout and return it."""
    progress = progress_printer()
    with open_csv(file) as handle:
        if runner is not None:
            summary = runner(importer, handle, progress)
        else:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(
                    f"The file needs a header row with {', '.join(required)} (missing: {', '.join(missing)})."
                )
            rows = (row_item(row, booleans) for row in reader)
            summary = run_file_import(importer, actor=None, rows=rows, on_batch=progress)
    if progress is not None:
        sys.stderr.write("\n")
    command.stdout.write(json.dumps(summary))
    return summary
