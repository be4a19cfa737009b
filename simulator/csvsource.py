"""Reading the scenario's CSV tables with line numbers for error messages."""

from __future__ import annotations

import csv
from pathlib import Path

from simulator.errors import ScenarioError


def read_csv_rows(path: Path, required: tuple[str, ...], shown_as: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with a header, each with its 1-based line number.

    ``required`` columns must be in the header; ``shown_as`` is how the file is
    named in errors.  Blank lines are skipped.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError("file not found", shown_as) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", shown_as) from None
    rows: list[tuple[int, dict[str, str]]] = []
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ScenarioError(f"missing column '{missing[0]}' (header: {', '.join(header)})", shown_as, 1)
            for row in reader:
                if None in row:
                    raise ScenarioError(
                        f"{len(header) + len(row[None])} cells but the header has {len(header)}", shown_as, reader.line_num
                    )
                if not any((v or "").strip() for v in row.values()):
                    continue
                rows.append((reader.line_num, {k: (v if v is not None else "") for k, v in row.items()}))
        except csv.Error as exc:
            raise ScenarioError(f"malformed CSV: {exc}", shown_as, reader.line_num) from None
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"not UTF-8 text ({exc.reason})", shown_as) from None
    return rows
