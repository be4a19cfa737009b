"""The exercise log: an SQLite database in WAL mode, one per session.

Every action (who, what, when, which round, on which branch) is appended and
committed before it takes effect, so a session killed at any moment can be
rebuilt exactly: the last checkpoint of its branch, then the actions after it
replayed (the engine is deterministic).  Checkpoints are files next to the
database; the database alone is enough to rebuild everything.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    branch TEXT NOT NULL,
    round INTEGER NOT NULL,
    day INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS branches (
    name TEXT PRIMARY KEY,
    parent TEXT,
    fork_seq INTEGER NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    seq INTEGER PRIMARY KEY,
    branch TEXT NOT NULL,
    day INTEGER NOT NULL,
    file TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Action:
    """One entry of the exercise log."""

    seq: int
    branch: str
    round: int
    day: int
    actor: str
    kind: str
    payload: dict[str, Any]
    at: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for reports and the page)."""
        return {
            "seq": self.seq,
            "branch": self.branch,
            "round": self.round,
            "day": self.day,
            "actor": self.actor,
            "kind": self.kind,
            "payload": self.payload,
            "at": self.at,
        }


class SessionStore:
    """The SQLite database of one exercise session."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database (a WAL checkpoint folds the log into the main file)."""
        self.db.close()

    # -- meta -----------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        """A stored setting (JSON-decoded)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def put(self, key: str, value: Any) -> None:
        """Store a setting (as JSON)."""
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # -- actions --------------------------------------------------------------

    def append(self, branch: str, round_: int, day: int, actor: str, kind: str, payload: dict[str, Any]) -> Action:
        """Append one action and commit it (durable before the caller applies it)."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        cursor = self.db.execute(
            "INSERT INTO actions (branch, round, day, actor, kind, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (branch, round_, day, actor, kind, json.dumps(payload), at),
        )
        return Action(cursor.lastrowid, branch, round_, day, actor, kind, payload, at)

    def actions(self, branch: str | None = None, up_to: int | None = None) -> list[Action]:
        """Actions in order, of one branch (its own only) or all, up to a sequence number."""
        query = "SELECT seq, branch, round, day, actor, kind, payload, at FROM actions"
        clauses, args = [], []
        if branch is not None:
            clauses.append("branch = ?")
            args.append(branch)
        if up_to is not None:
            clauses.append("seq <= ?")
            args.append(up_to)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self.db.execute(query + " ORDER BY seq", args).fetchall()
        return [Action(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7]) for r in rows]

    def last_seq(self) -> int:
        """The sequence number of the last action (0 when none)."""
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM actions").fetchone()[0]

    # -- branches -------------------------------------------------------------

    def add_branch(self, name: str, parent: str | None, fork_seq: int) -> None:
        """Record a branch that starts from ``parent`` as it was at action ``fork_seq``."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.db.execute(
            "INSERT INTO branches (name, parent, fork_seq, created) VALUES (?, ?, ?, ?)", (name, parent, fork_seq, at)
        )

    def branches(self) -> dict[str, tuple[str | None, int]]:
        """Branch name -> (parent, fork sequence number)."""
        rows = self.db.execute("SELECT name, parent, fork_seq FROM branches ORDER BY created, name").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    # -- checkpoints ----------------------------------------------------------

    def add_checkpoint(self, seq: int, branch: str, day: int, file: str) -> None:
        """Record a checkpoint file holding the state after action ``seq``."""
        self.db.execute(
            "INSERT OR REPLACE INTO checkpoints (seq, branch, day, file) VALUES (?, ?, ?, ?)", (seq, branch, day, file)
        )

    def checkpoints(self) -> dict[int, str]:
        """Action sequence number -> checkpoint file name."""
        return dict(self.db.execute("SELECT seq, file FROM checkpoints").fetchall())

    def drop_checkpoint(self, seq: int) -> None:
        """Forget one checkpoint."""
        self.db.execute("DELETE FROM checkpoints WHERE seq = ?", (seq,))

    def export_to(self, target: Path) -> Path:
        """Copy the log (not the checkpoints) into one SQLite file, consistently."""
        target = Path(target)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.unlink(missing_ok=True)
        out = sqlite3.connect(tmp)
        try:
            self.db.backup(out)
            out.execute("DELETE FROM checkpoints")
            out.commit()
            out.execute("VACUUM")
        finally:
            out.close()
        tmp.replace(target)
        return target
