"""An exercise session: the model, the log of every action, rounds, teams, branches, undo.

The session's state is a pure function of its log: the initial model (the
scenario, its seed and scale, the scripted injects scheduled) followed by the
log's effective actions.  Every action is committed to the log before it takes
effect; checkpoints at the end of each round only make rebuilding fast.  So a
session killed at any moment and opened again is the same, bit for bit.

Roles come from tokens: one for the facilitator, one per team.  Every action
checks its role on the server; a team can only submit moves within its levers,
which the facilitator then accepts or rejects.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulator.errors import MigsimError, ScenarioError
from simulator.exercise.spec import FACILITATOR, ExerciseSpec
from simulator.exercise.store import Action, SessionStore

MAIN = "main"
KEEP_CHECKPOINTS = 4
MODEL_ACTIONS = ("advance", "inject", "accept")
UNDONE_BY_UNDO = ("advance", "inject", "accept", "reject")


class ActionRefused(MigsimError):
    """An action the server will not carry out; ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def default_sessions_dir() -> Path:
    """Where sessions live unless told otherwise: ``./exercises``."""
    return Path("exercises")


def effective(actions: list[Action]) -> list[Action]:
    """The actions still in force: an ``undo`` removes the last round (its advance and decisions, back to the round before)."""
    kept: list[Action] = []
    for action in actions:
        if action.kind != "undo":
            kept.append(action)
            continue
        advances = [i for i, a in enumerate(kept) if a.kind == "advance"]
        if not advances:
            continue
        previous = advances[-2] if len(advances) > 1 else -1
        kept = kept[: previous + 1] + [a for a in kept[previous + 1 :] if a.kind not in UNDONE_BY_UNDO]
    return kept


def lever_allows(exercise: ExerciseSpec, team_id: str, event) -> bool:
    """Whether one of the team's levers covers this (validated) event."""
    team = exercise.team(team_id)
    if team is None:
        return False
    for lever in team.levers:
        if event.event_type not in lever.events:
            continue
        ok = True
        for name in event.node_fields:
            value = getattr(event, name)
            values = value if isinstance(value, list) else [value]
            if lever.nodes is not None and any(v is not None and v not in lever.nodes for v in values):
                ok = False
        for name in event.link_fields:
            value = getattr(event, name)
            values = value if isinstance(value, list) else [value]
            if lever.links is not None and any(v is not None and v not in lever.links for v in values):
                ok = False
        if ok:
            return True
    return False


def describe_action(action: Action) -> str:
    """One line, in words, for the log and the after-action report."""
    p = action.payload
    if action.kind == "advance":
        return f"played {p['days']} days, to day {p['until_day']}"
    if action.kind == "inject":
        return f"injected: {p['description']}"
    if action.kind == "submit":
        return f"{p['team']} proposed: {p['description']}"
    if action.kind == "accept":
        return f"accepted the move of {p['team']}: {p['description']}"
    if action.kind == "reject":
        return f"rejected the move of {p['team']}"
    if action.kind == "branch":
        return f"started branch '{p['name']}'"
    return action.kind


@dataclass
class Submission:
    """A team's move and what the facilitator made of it."""

    seq: int
    team: str
    event: dict[str, Any]
    description: str
    round: int
    status: str  # pending, accepted, rejected


class ExerciseSession:
    """One exercise: its log, its current branch's model, and the actions of facilitator and teams."""

    def __init__(self, folder: Path, store: SessionStore):
        from simulator.scenario import scenario_from_dict

        self.folder = folder
        self.store = store
        self.name = store.get("name")
        self.scenario = scenario_from_dict(store.get("scenario"), source=store.get("scenario_source", "<session>"))
        self.seed = int(store.get("seed"))
        self.scale = int(store.get("scale"))
        self.exercise = ExerciseSpec.model_validate(self.scenario.exercise or {})
        self.tokens: dict[str, str] = store.get("tokens")
        self.branch = store.get("current_branch", MAIN)
        self.model = self._rebuild(self.branch)

    # -- creating and opening -------------------------------------------------

    @classmethod
    def create(
        cls,
        name: str,
        scenario=None,
        *,
        sessions_dir: Path | None = None,
        seed: int | None = None,
        scale: int | None = None,
    ) -> ExerciseSession:
        """A new session named ``name`` for a scenario (path, Scenario or None for the default)."""
        from simulator.ensemble import as_scenario

        folder = (sessions_dir or default_sessions_dir()) / name
        if (folder / "session.sqlite").exists():
            raise MigsimError(f"{folder}: a session named '{name}' exists; open it, or choose another name")
        sc = as_scenario(scenario)
        store = SessionStore(folder / "session.sqlite")
        teams = ExerciseSpec.model_validate(sc.exercise or {}).teams
        tokens = {FACILITATOR: secrets.token_urlsafe(16), **{f"team:{t.id}": secrets.token_urlsafe(16) for t in teams}}
        store.put("name", name)
        store.put("scenario", sc.to_dict())
        store.put("scenario_source", sc.source)
        store.put("seed", int(sc.seed if seed is None else seed))
        store.put("scale", int(sc.scale if scale is None else scale))
        store.put("tokens", tokens)
        store.put("current_branch", MAIN)
        store.add_branch(MAIN, None, 0)
        return cls(folder, store)

    @classmethod
    def open(cls, name: str, sessions_dir: Path | None = None) -> ExerciseSession:
        """Open an existing session, rebuilt from its last checkpoint and its log."""
        folder = (sessions_dir or default_sessions_dir()) / name
        if not (folder / "session.sqlite").exists():
            raise MigsimError(f"{folder}: no session named '{name}'")
        return cls(folder, SessionStore(folder / "session.sqlite"))

    @classmethod
    def open_or_create(cls, name: str, scenario=None, **kwargs) -> ExerciseSession:
        """Open the session if it exists (resuming it), else create it."""
        folder = (kwargs.get("sessions_dir") or default_sessions_dir()) / name
        if (folder / "session.sqlite").exists():
            return cls.open(name, kwargs.get("sessions_dir"))
        return cls.create(name, scenario, **kwargs)

    def close(self) -> None:
        """Close the log."""
        self.store.close()

    # -- state ----------------------------------------------------------------

    def _initial_model(self):
        from simulator.model import MigrationModel

        model = MigrationModel(scenario=self.scenario, seed=self.seed, scale=self.scale)
        for inject in self.exercise.injects:
            if inject.event is not None:
                model.apply({**inject.event, "day": self.exercise.inject_day(inject, self.scenario.start_date)})
        return model

    def lineage(self, branch: str) -> list[Action]:
        """Every action that led to the branch's state, in order (its parents' up to the fork, then its own)."""
        branches = self.store.branches()
        if branch not in branches:
            raise ActionRefused(f"there is no branch '{branch}'", "branch")
        parent, fork = branches[branch]
        inherited = [a for a in self.lineage(parent) if a.seq <= fork] if parent else []
        return inherited + self.store.actions(branch)

    def effective_actions(self, branch: str | None = None) -> list[Action]:
        """The branch's actions still in force (undone rounds removed)."""
        return effective(self.lineage(branch or self.branch))

    def _rebuild(self, branch: str):
        from simulator.model import MigrationModel

        actions = [a for a in self.effective_actions(branch) if a.kind in MODEL_ACTIONS]
        checkpoints = self.store.checkpoints()
        usable = [i for i, a in enumerate(actions) if a.seq in checkpoints and (self.folder / checkpoints[a.seq]).exists()]
        if usable:
            start = usable[-1]
            model = MigrationModel.restore(self.folder / checkpoints[actions[start].seq])
            remaining = actions[start + 1 :]
        else:
            model = self._initial_model()
            remaining = actions
        for action in remaining:
            self._effect(model, action)
        return model

    @staticmethod
    def _effect(model, action: Action) -> None:
        if action.kind == "advance":
            model.run(until_day=action.payload["until_day"])
        elif action.kind in ("inject", "accept"):
            model.apply(action.payload["event"])

    @property
    def day(self) -> int:
        """The next day to simulate."""
        return self.model.day

    @property
    def round(self) -> int:
        """The round being played (1 before the first advance)."""
        return 1 + sum(1 for a in self.effective_actions() if a.kind == "advance")

    def state_digest(self) -> str:
        """A hash of the model's whole state (agents, counters, policies): equal digests, equal states."""
        digest = hashlib.sha256()
        digest.update(str(self.model.day).encode())
        for name, array in sorted(self.model.population.arrays().items()):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        for name, array in sorted(self.model.recorder.state().items()):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(repr(self.model.event_log).encode())
        digest.update(repr([e.to_dict() for e in self.model._injected]).encode())
        return digest.hexdigest()

    # -- roles ----------------------------------------------------------------

    def role(self, token: str | None) -> str | None:
        """``facilitator``, ``team:ID``, or None for an unknown token."""
        if not token:
            return None
        for role, known in self.tokens.items():
            if secrets.compare_digest(known, token):
                return role
        return None

    def _require(self, token: str | None, facilitator: bool = True) -> str:
        role = self.role(token)
        if role is None:
            raise ActionRefused("not allowed: unknown or missing token")
        if facilitator and role != FACILITATOR:
            raise ActionRefused("only the facilitator can do this")
        return role

    def _log(self, actor: str, kind: str, payload: dict[str, Any]) -> Action:
        return self.store.append(self.branch, self.round, self.day, actor, kind, payload)

    # -- actions --------------------------------------------------------------

    def advance(self, token: str | None, days: int | None = None) -> Action:
        """Play ``days`` days (default: one round), then checkpoint."""
        self._require(token)
        days = self.exercise.round_days if days is None else int(days)
        if days < 1:
            raise ActionRefused("days must be at least 1", "days")
        if self.day >= self.model.days:
            raise ActionRefused(f"the scenario ends on day {self.model.days - 1}; there is nothing left to play", "days")
        until = min(self.day + days, self.model.days)
        action = self._log(FACILITATOR, "advance", {"days": days, "until_day": until})
        self._effect(self.model, action)
        self._checkpoint(action)
        return action

    def _validated(self, event: dict[str, Any]):
        try:
            return self.model.validate_event(event)
        except ScenarioError as exc:
            field = (exc.field or "").split(".")[0].split("[")[0] or None
            raise ActionRefused(exc.message if hasattr(exc, "message") else str(exc), field) from None

    def inject(self, token: str | None, event: dict[str, Any]) -> Action:
        """The facilitator injects an event (validated like a scenario event); it takes effect on its day."""
        self._require(token)
        parsed = self._validated(event)
        action = self._log(FACILITATOR, "inject", {"event": parsed.to_dict(), "description": parsed.describe()})
        self._effect(self.model, action)
        return action

    def submit(self, token: str | None, event: dict[str, Any], note: str = "") -> Action:
        """A team submits a move for the facilitator to accept or reject."""
        role = self._require(token, facilitator=False)
        if not role.startswith("team:"):
            raise ActionRefused("only a team submits moves; the facilitator injects events directly")
        team = role.split(":", 1)[1]
        parsed = self._validated(event)
        if not lever_allows(self.exercise, team, parsed):
            raise ActionRefused(f"team '{team}' does not hold a lever for {parsed.event_type} here", "type")
        payload = {"team": team, "event": {k: v for k, v in parsed.to_dict().items() if k not in ("day", "date")}}
        payload.update(description=parsed.describe(), note=note)
        return self._log(role, "submit", payload)

    def decide(self, token: str | None, submission_seq: int, accept: bool) -> Action:
        """The facilitator accepts (it takes effect from the next day played) or rejects a submission."""
        self._require(token)
        pending = {s.seq: s for s in self.submissions() if s.status == "pending"}
        if submission_seq not in pending:
            raise ActionRefused(f"there is no pending submission {submission_seq}", "submission")
        submission = pending[submission_seq]
        if not accept:
            return self._log(FACILITATOR, "reject", {"submission": submission_seq, "team": submission.team})
        parsed = self._validated(submission.event)
        payload = {
            "submission": submission_seq,
            "team": submission.team,
            "event": parsed.to_dict(),
            "description": parsed.describe(),
        }
        action = self._log(FACILITATOR, "accept", payload)
        self._effect(self.model, action)
        return action

    def undo(self, token: str | None) -> Action:
        """Undo the last round: back to the state at the end of the round before."""
        self._require(token)
        if not any(a.kind == "advance" for a in self.effective_actions()):
            raise ActionRefused("no round has been played yet")
        action = self._log(FACILITATOR, "undo", {})
        self.model = self._rebuild(self.branch)
        return action

    def create_branch(self, token: str | None, name: str) -> str:
        """A named branch from the current state ("what if we had not closed it"), which becomes current."""
        self._require(token)
        name = name.strip()
        if not name or not name.replace("-", "").replace("_", "").replace(" ", "").isalnum():
            raise ActionRefused("a branch name is letters, digits, spaces, - and _", "branch")
        if name in self.store.branches():
            raise ActionRefused(f"a branch named '{name}' exists", "branch")
        self._log(FACILITATOR, "branch", {"name": name})
        self.store.add_branch(name, self.branch, self.store.last_seq())
        self.branch = name
        self.store.put("current_branch", name)
        return name

    def switch_branch(self, token: str | None, name: str) -> None:
        """Continue on another branch."""
        self._require(token)
        model = self._rebuild(name)
        self.branch = name
        self.store.put("current_branch", name)
        self.model = model

    # -- checkpoints ----------------------------------------------------------

    def _checkpoint(self, action: Action) -> None:
        from simulator.indicators import indicator_series

        file = f"checkpoints/ckpt-{action.seq:06d}.npz"
        self.model.checkpoint(self.folder / file)
        self.store.add_checkpoint(action.seq, self.branch, self.day, file)
        series = indicator_series(self.model.tables())
        totals = series[series["key"] == "all"]
        self.store.put(f"snapshot:{action.seq}", {k: g["value"].tolist() for k, g in totals.groupby("indicator")})
        kept = sorted(self.store.checkpoints())
        for seq in kept[:-KEEP_CHECKPOINTS]:
            old = self.store.checkpoints()[seq]
            self.store.drop_checkpoint(seq)
            (self.folder / old).unlink(missing_ok=True)

    # -- views ----------------------------------------------------------------

    def submissions(self, branch: str | None = None) -> list[Submission]:
        """Submissions on the branch, with their status."""
        out: dict[int, Submission] = {}
        for a in self.effective_actions(branch):
            if a.kind == "submit":
                p = a.payload
                out[a.seq] = Submission(a.seq, p["team"], p["event"], p["description"], a.round, "pending")
            elif a.kind in ("accept", "reject") and a.payload["submission"] in out:
                out[a.payload["submission"]].status = "accepted" if a.kind == "accept" else "rejected"
        return list(out.values())

    def announcements(self) -> list[dict[str, Any]]:
        """Scripted injects whose day has come, in order."""
        start = self.scenario.start_date
        due = [i for i in self.exercise.injects if self.exercise.inject_day(i, start) < self.day]
        return [
            {
                "day": self.exercise.inject_day(i, start),
                "date": self.scenario.date_of(self.exercise.inject_day(i, start)).isoformat(),
                "title": i.title,
                "message": i.message,
            }
            for i in sorted(due, key=lambda i: self.exercise.inject_day(i, start))
        ]

    def branch_totals(self, branch: str) -> dict[str, list[float]]:
        """Daily totals of each indicator on a branch, from its last round's snapshot."""
        if branch == self.branch:
            return self.totals()
        advances = [a for a in self.effective_actions(branch) if a.kind == "advance"]
        if not advances:
            return {}
        snapshot = self.store.get(f"snapshot:{advances[-1].seq}")
        if snapshot is not None:
            return snapshot
        from simulator.indicators import indicator_series

        series = indicator_series(self._rebuild(branch).tables())
        totals = series[series["key"] == "all"]
        return {k: g["value"].tolist() for k, g in totals.groupby("indicator")}

    def totals(self) -> dict[str, list[float]]:
        """Daily totals of each indicator so far on the current branch."""
        from simulator.indicators import indicator_series

        if self.day == 0:
            return {}
        series = indicator_series(self.model.tables())
        totals = series[series["key"] == "all"]
        return {k: g["value"].tolist() for k, g in totals.groupby("indicator")}

    def join_links(self, base_url: str) -> dict[str, str]:
        """The address each role opens (the token is carried in the link)."""
        return {role: f"{base_url}?token={token}" for role, token in self.tokens.items()}

    # -- moving sessions between laptops --------------------------------------

    def export(self, target: str | Path) -> Path:
        """One file holding the whole session (its log; the state is rebuilt from it on import)."""
        return self.store.export_to(Path(target))


def import_session(file: str | Path, name: str | None = None, sessions_dir: Path | None = None) -> ExerciseSession:
    """Import an exported session file under ``name`` (default: its own name)."""
    import sqlite3

    file = Path(file)
    try:
        db = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        stored_name = db.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
        db.close()
    except sqlite3.DatabaseError as exc:
        raise MigsimError(f"{file}: not a migsim exercise session file ({exc})") from None
    if stored_name is None:
        raise MigsimError(f"{file}: not a migsim exercise session file (no name)")
    import json

    name = name or json.loads(stored_name[0])
    folder = (sessions_dir or default_sessions_dir()) / name
    if (folder / "session.sqlite").exists():
        raise MigsimError(f"{folder}: a session named '{name}' exists; import under another name")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, folder / "session.sqlite")
    store = SessionStore(folder / "session.sqlite")
    store.put("name", name)
    return ExerciseSession(folder, store)


def list_sessions(sessions_dir: Path | None = None) -> list[dict[str, Any]]:
    """Sessions in a folder: name, scenario, branch, day, last action time."""
    base = sessions_dir or default_sessions_dir()
    out = []
    for db in sorted(base.glob("*/session.sqlite")):
        store = SessionStore(db)
        try:
            actions = store.actions()
            out.append(
                {
                    "name": store.get("name"),
                    "scenario": store.get("scenario", {}).get("name"),
                    "branch": store.get("current_branch"),
                    "actions": len(actions),
                    "last_action": actions[-1].at if actions else None,
                    "folder": str(db.parent),
                }
            )
        finally:
            store.close()
    return out
