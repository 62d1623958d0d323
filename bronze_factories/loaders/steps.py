"""A directory of files taken on in time: where its dataset ends, and the files of each step.

A plain ``--output-dir`` holds one file per table for the dataset's first window. ``--extend-to``
adds, per step, a file per table of the new rows and one of the rows the step brings up to date
(:func:`~.files.file_name`); ``bronze-dataset.<format>.json`` says which dataset the directory
holds and where it ends, and is replaced (atomically) only after a step's files are all in place,
so a reader that follows it never sees half a step.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..engine import Chunk, Params
from .files import EXTENSIONS, FileSink


def state_path(output_dir: Path, fmt: str) -> Path:
    return output_dir / f"bronze-dataset.{EXTENSIONS[fmt]}.json"


def read_state(output_dir: Path, fmt: str) -> dict | None:
    try:
        return json.loads(state_path(output_dir, fmt).read_text())
    except FileNotFoundError:
        return None


def write_state(output_dir: Path, fmt: str, params: Params, end: str, steps: list[str]) -> None:
    path = state_path(output_dir, fmt)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps({"dataset_key": params.key(), "params": params.identity(), "end": end,
                                   "steps": steps}, indent=2, sort_keys=True))
    os.replace(partial, path)


def holds(output_dir: Path, fmt: str, params: Params) -> dict | None:
    """The directory's state when it holds this dataset (its first window's files complete)."""
    state = read_state(output_dir, fmt)
    return state if state is not None and state.get("dataset_key") == params.key() else None


def remove_unrecorded(output_dir: Path, fmt: str, since: str) -> None:
    """Files of a step from ``since`` that the state does not list: a killed step's, or one that went
    to another end (the caller holds the directory lock, so no other run writes them)."""
    ext = EXTENSIONS[fmt]
    for path in list(output_dir.glob(f"*.{since}-*.{ext}")) + list(output_dir.glob(f".*.{since}-*.partial")):
        path.unlink(missing_ok=True)


class StepSink:
    """A step's two files per table: new rows, and changed rows (``Chunk.upsert``)."""

    def __init__(self, output_dir: Path, fmt: str, step: str) -> None:
        self.dir = output_dir
        self.new = FileSink(output_dir, fmt, step=step)
        self.changes = FileSink(output_dir, fmt, step=f"{step}.changes", loaded_at=None)

    def write(self, chunk: Chunk) -> None:
        (self.changes if chunk.upsert else self.new).write(chunk)

    def commit(self) -> None:
        self.new.commit()
        self.changes.commit()

    def abort(self) -> None:
        self.new.abort()
        self.changes.abort()
