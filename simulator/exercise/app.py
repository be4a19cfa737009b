"""The exercise web app (Solara): the facilitator's view and each team's view.

One server process holds one session.  Every action goes through
:class:`Runtime`, which checks the role of the page's token on the server,
logs the action before it takes effect, and rebuilds the shared view; open
pages notice the new version within a second and redraw.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import solara

from simulator.exercise.forms import FormError, event_form, form_to_event
from simulator.exercise.session import ActionRefused, ExerciseSession
from simulator.exercise.spec import FACILITATOR
from simulator.exercise.view import View, build_view

ORANGE = "#D55E00"


@dataclass
class Runtime:
    """The session this server runs, its lock, and the current shared view."""

    session: ExerciseSession | None = None
    loopback: bool = True
    base_url: str = ""
    version: int = 0
    view: View | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_action_seconds: float = 0.0

    def start(self, session: ExerciseSession, loopback: bool, base_url: str) -> None:
        """Serve ``session``."""
        self.session, self.loopback, self.base_url = session, loopback, base_url
        self.version += 1
        self.view = build_view(session, self.version)

    def act(self, action) -> str | None:
        """Run ``action(session)`` under the lock and refresh the view; returns an error message or None."""
        with self.lock:
            started = time.perf_counter()
            try:
                action(self.session)
            finally:
                # The view follows the session whatever happened, so no page shows a stale state.
                view = build_view(self.session, self.version + 1)
                self.view, self.version = view, view.version
                self.last_action_seconds = time.perf_counter() - started
        return None


RUNTIME = Runtime()


def _token_and_role(search: str | None) -> tuple[str | None, str | None]:
    token = parse_qs(search or "").get("token", [None])[0]
    session = RUNTIME.session
    if token is None and RUNTIME.loopback:
        return session.tokens[FACILITATOR], FACILITATOR
    return token, session.role(token)


@solara.component
def Cards(view: View):
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        for name, label, value in view.cards:
            with solara.Card(margin=0, classes=[f"migsim-card-{name}"], style={"width": "190px"}):
                with solara.Column(gap="0px"):
                    solara.Text(label, style={"font-size": "0.8em", "color": "#555"})
                    solara.Text(value, classes=[f"migsim-value-{name}"], style={"font-size": "1.5em", "font-weight": "bold"})
    if view.arrivals:
        solara.Markdown(
            "**Arrivals per destination country** (cumulative): " + ", ".join(f"{k} {v:,.0f}" for k, v in view.arrivals)
        )


@solara.component
def Header(view: View, role: str):
    session = RUNTIME.session
    who = "Facilitator" if role == FACILITATOR else session.exercise.team(role.split(":", 1)[1]).name
    solara.Title(f"migsim exercise — {session.scenario.name}")
    with solara.Row(style={"align-items": "baseline", "gap": "24px"}):
        solara.Text(f"migsim exercise — {session.scenario.name}", style={"font-size": "1.4em", "font-weight": "bold"})
        solara.Text(f"{who}", classes=["migsim-role"])
        solara.Text(
            f"Day {view.day} · {view.date} · round {view.round} · branch {view.branch}",
            classes=["migsim-clock"],
            style={"font-size": "1.1em"},
        )
    for note in view.announcements[-2:]:
        solara.Warning(f"Inject, {note['date']}: {note['title']}. {note['message']}", classes=["migsim-announcement"])


@solara.component
def Situation(view: View):
    Cards(view)
    with solara.Columns([5, 6]):
        solara.Image(view.map_png, format="png", width="100%")
        with solara.Column():
            if view.series_png:
                solara.Image(view.series_png, format="png", width="100%")
            if view.crossings:
                rows = sorted(view.crossings, key=lambda c: -(c["irregular"] + c["regular"] + c["waiting"]))[:8]
                lines = ["| crossing | regular | irregular | waiting |", "|---|---:|---:|---:|"]
                lines += [
                    f"| {c['crossing']} | {c['regular']:,.0f} | {c['irregular']:,.0f} | {c['waiting']:,.0f} |" for c in rows
                ]
                solara.Markdown("**Crossings, last day played** (persons)\n\n" + "\n".join(lines))


@solara.component
def Log(view: View, limit: int = 40):
    lines = ["| day | round | who | what |", "|---:|---:|---|---|"]
    for e in view.log[:limit]:
        lines.append(f"| {e['day']} | {e['round'] or ''} | {e['who']} | {e['what'].replace('|', '/')} |")
    with solara.Card("Log", classes=["migsim-log"]):
        solara.Markdown("\n".join(lines))


@solara.component
def EventForm(types: list[str], nodes: list[str], links: list[str], submit_label: str, on_submit):
    """A form generated from the event registry; errors from the server appear next to their field."""
    kind, set_kind = solara.use_state(types[0])
    values, set_values = solara.use_state({})
    errors, set_errors = solara.use_state({})
    done, set_done = solara.use_state("")

    def choose(value):
        set_kind(value)
        set_values({})
        set_errors({})

    def submit():
        try:
            event = form_to_event(kind, values)
            on_submit(event)
        except FormError as exc:
            set_errors({exc.field: str(exc)})
            set_done("")
            return
        except ActionRefused as exc:
            set_errors({exc.field or "_": str(exc)})
            set_done("")
            return
        set_errors({})
        set_values({})
        set_done(f"done: {event['type']}")

    solara.Select(label="event type", value=kind, values=types, on_value=choose)
    for f in event_form(kind):
        value = values.get(f.name, f.default)

        def update(v, name=f.name):
            set_values({**values, name: v})

        label = f"{f.name}{' *' if f.required else ''}"
        if f.kind in ("node", "link", "choice"):
            options = nodes if f.kind == "node" else links if f.kind == "link" else list(f.choices)
            solara.Select(label=label, value=value or None, values=options, on_value=update)
        else:
            solara.InputText(label=label, value=str(value), on_value=update, continuous_update=True)
        if f.name in errors:
            solara.Text(errors[f.name], classes=["migsim-field-error", f"migsim-error-{f.name}"], style={"color": ORANGE})
    shown = {f.name for f in event_form(kind)}
    for name, message in errors.items():
        if name not in shown:
            solara.Text(message, classes=["migsim-field-error", f"migsim-error-{name}"], style={"color": ORANGE})
    solara.Button(submit_label, on_click=submit, color="primary")
    if done:
        solara.Success(done)


@solara.component
def FacilitatorControls(view: View, token: str, bump):
    session = RUNTIME.session
    days, set_days = solara.use_state(1)
    error, set_error = solara.use_state("")
    branch_name, set_branch_name = solara.use_state("")

    def run(action):
        try:
            RUNTIME.act(action)
            set_error("")
        except ActionRefused as exc:
            set_error(str(exc))
        bump()

    with solara.Card("Play"):
        with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}):
            solara.Button(
                f"Advance one round ({session.exercise.round_days} days)",
                on_click=lambda: run(lambda s: s.advance(token)),
                color="primary",
            )
            solara.InputInt("days", value=days, on_value=set_days)
            solara.Button("Advance N days", on_click=lambda: run(lambda s: s.advance(token, days)))
            solara.Button("Undo last round", on_click=lambda: run(lambda s: s.undo(token)))
        if error:
            solara.Error(error, classes=["migsim-action-error"])
    with solara.Card("Inject an event"):
        nodes = [n.id for n in session.scenario.nodes]
        links = [lk.id for lk in session.scenario.links]
        EventForm(
            sorted(_event_types()), nodes, links, "Inject", lambda event: (RUNTIME.act(lambda s: s.inject(token, event)), bump())
        )
    with solara.Card("Team moves"):
        pending = [s for s in view.submissions if s["status"] == "pending"]
        if not pending:
            solara.Text("No move waiting.")
        for s in pending:
            with solara.Row(classes=["migsim-submission"]):
                solara.Text(f"#{s['seq']} {s['team']}: {s['description']}")
                solara.Button(
                    f"Accept #{s['seq']}",
                    on_click=lambda seq=s["seq"]: run(lambda x: x.decide(token, seq, True)),
                    color="success",
                )
                solara.Button(f"Reject #{s['seq']}", on_click=lambda seq=s["seq"]: run(lambda x: x.decide(token, seq, False)))
        decided = [s for s in view.submissions if s["status"] != "pending"]
        if decided:
            solara.Markdown("\n".join(f"- #{s['seq']} {s['team']}: {s['description']} — **{s['status']}**" for s in decided))
    with solara.Card("Branches"):
        with solara.Row():
            solara.InputText("new branch name", value=branch_name, on_value=set_branch_name, continuous_update=True)
            solara.Button("Create branch", on_click=lambda: run(lambda s: s.create_branch(token, branch_name)))
        with solara.Row():
            for name in view.branches:
                if name != view.branch:
                    solara.Button(f"Switch to {name}", on_click=lambda n=name: run(lambda s: s.switch_branch(token, n)))
        if view.branches_png:
            solara.Image(view.branches_png, format="png", width="100%")
    with solara.Card("Join links and report"):
        links = session.join_links(RUNTIME.base_url)
        solara.Markdown("\n".join(f"- **{role}**: `{url}`" for role, url in links.items() if role != FACILITATOR))

        def report_bytes():
            from simulator.exercise.report import exercise_report_html

            return exercise_report_html(session).encode()

        solara.FileDownload(report_bytes, filename=f"{session.name}-after-action.html", label="After-action report")
        fingerprint, set_fingerprint = solara.use_state("")
        solara.Button(
            "State fingerprint", on_click=lambda: set_fingerprint(f"state {session.state_digest()[:16]} at day {session.day}")
        )
        if fingerprint:
            solara.Text(fingerprint, classes=["migsim-fingerprint"])


def _event_types() -> list[str]:
    from simulator.events import EVENT_TYPES

    return [t for t in EVENT_TYPES if t != "conditional"]


@solara.component
def TeamControls(view: View, token: str, team_id: str, bump):
    session = RUNTIME.session
    team = session.exercise.team(team_id)
    types = sorted({t for lever in team.levers for t in lever.events})
    # Every place and link is offered: the server, not the form, decides what a team may touch.
    nodes = [n.id for n in session.scenario.nodes]
    links = [lk.id for lk in session.scenario.links]
    with solara.Card(f"Your levers — {team.name}"):
        solara.Markdown(
            "\n".join(
                f"- {', '.join(lv.events)}"
                + (f" on places {', '.join(lv.nodes)}" if lv.nodes else "")
                + (f" on links {', '.join(lv.links)}" if lv.links else "")
                for lv in team.levers
            )
        )
        if types:
            EventForm(types, nodes, links, "Submit move", lambda event: (RUNTIME.act(lambda s: s.submit(token, event)), bump()))
    mine = [s for s in view.submissions if s["team"] == team_id]
    if mine:
        with solara.Card("Your moves"):
            solara.Markdown("\n".join(f"- round {s['round']}: {s['description']} — **{s['status']}**" for s in mine))


@solara.component
def Page():
    router = solara.use_router()
    token, role = _token_and_role(router.search)
    version, set_version = solara.use_state(RUNTIME.version)
    seen = solara.use_ref(RUNTIME.version)

    def poll(cancel):
        while not cancel.wait(0.5):
            if RUNTIME.version != seen.current:
                seen.current = RUNTIME.version
                set_version(RUNTIME.version)

    solara.use_thread(poll, dependencies=[])

    def bump():
        seen.current = RUNTIME.version
        set_version(RUNTIME.version)

    if role is None:
        solara.Error(
            "Access refused: this link carries no valid token. Ask the facilitator for your join link.",
            classes=["migsim-refused"],
        )
        return
    view = RUNTIME.view
    with solara.Column(style={"padding": "12px", "max-width": "1500px"}):
        Header(view, role)
        with solara.Columns([7, 4]):
            with solara.Column():
                Situation(view)
                Log(view)
            with solara.Column():
                if role == FACILITATOR:
                    FacilitatorControls(view, token, bump)
                else:
                    TeamControls(view, token, role.split(":", 1)[1], bump)
    solara.Text(f"version {version}", classes=["migsim-version"], style={"color": "#999", "font-size": "0.7em"})
