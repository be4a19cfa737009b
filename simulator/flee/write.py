"""Writing an imported scenario atomically: a YAML file and its folder of CSV tables, or nothing.

Everything is written into a hidden temporary folder next to the target and
loaded back with migsim's own scenario loader; only then are the tables'
folder and the YAML renamed into place (the YAML last, so a scenario file
never names tables that are not there).
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from simulator.errors import MigsimError
from simulator.flee.convert import Imported


def write_imported(imported: Imported, out_yaml: Path, data_dir: str, force: bool = False) -> Path:
    """Write ``imported`` as ``out_yaml`` plus the folder ``data_dir`` beside it; returns the YAML path."""
    from simulator.scenario import load_scenario

    folder = out_yaml.parent / data_dir
    if not force:
        for path in (out_yaml, folder):
            if path.exists():
                raise MigsimError(f"{path}: exists; choose another -o or pass --force to replace it")
    out_yaml.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_yaml.stem}.", suffix=".tmp", dir=out_yaml.parent))
    old = None
    placed = False
    try:
        for relative, (columns, rows) in imported.tables.items():
            path = tmp / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise", lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        text = "# migsim scenario imported from a Flee case by `migsim import-flee`\n" + yaml.safe_dump(
            imported.scenario, sort_keys=False, allow_unicode=True, width=120
        )
        (tmp / out_yaml.name).write_text(text, encoding="utf-8")
        load_scenario(tmp / out_yaml.name)  # what we write must load
        if folder.exists():
            old = folder.with_name(f".{folder.name}.replaced")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(tmp / data_dir, folder)
        placed = True
        os.replace(tmp / out_yaml.name, out_yaml)
    except BaseException:
        if placed:
            shutil.rmtree(folder, ignore_errors=True)
        if old is not None:
            os.replace(old, folder)
            old = None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return out_yaml
