"""The short plain-text summary ``migsim run`` prints."""

from __future__ import annotations


def format_summary(result) -> str:
    """People per country at start and end, arrivals per destination, people still in transit."""
    rec = result.record
    summary = result.summary.sort_values("people_end", ascending=False)
    header = f"{'country':<8}{'people at start':>17}{'people at end':>17}{'change':>12}{'arrivals':>12}"
    lines = [
        f"{rec['scenario']['name']}: {rec['scenario']['start_date']} to {rec['scenario']['end_date']}, "
        f"seed {rec['seed']}, {rec['scale_persons_per_agent']} person(s) per agent, {rec['agents']:,} agents",
        "",
        header,
        "-" * len(header),
    ]
    for row in summary.itertuples():
        lines.append(f"{row.iso3:<8}{row.people_start:>17,}{row.people_end:>17,}{row.change:>+12,}{row.arrivals:>12,}")
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<8}{summary.people_start.sum():>17,}{summary.people_end.sum():>17,}"
        f"{summary.change.sum():>+12,}{summary.arrivals.sum():>12,}"
    )
    lines.append(f"people still in transit at the end: {rec['people_in_transit_end']:,}")
    crossings = format_crossings(result)
    if crossings:
        lines += ["", crossings]
    lines.append(f"wall time {rec['timings_seconds']['wall']:.1f} s")
    return "\n".join(lines)


def format_crossings(result) -> str:
    """Per crossing over the run: regular and irregular crossings, most people waiting, longest wait, give-ups, incidents."""
    table = result.tables.get("crossings")
    if table is None or table.empty:
        return ""
    grouped = table.groupby("crossing", sort=False).agg(
        regular=("regular", "sum"),
        irregular=("irregular", "sum"),
        most_waiting=("waiting", "max"),
        longest_wait=("max_wait_days", "max"),
        gave_up=("gave_up", "sum"),
        incidents=("deaths", "sum"),
        robberies=("robberies", "sum"),
        trafficking=("trafficking", "sum"),
    )
    grouped["incidents"] += grouped.pop("robberies") + grouped.pop("trafficking")
    grouped = grouped[(grouped.regular + grouped.irregular + grouped.most_waiting) > 0]
    grouped = grouped.sort_values(["irregular", "regular"], ascending=False)
    header = (
        f"{'crossing':<46}{'regular':>10}{'irregular':>11}{'most waiting':>14}{'longest wait':>14}{'gave up':>9}{'incidents':>11}"
    )
    lines = [header, "-" * len(header)]
    for name, row in grouped.iterrows():
        lines.append(
            f"{name[:45]:<46}{row.regular:>10,}{row.irregular:>11,}{row.most_waiting:>14,}"
            f"{str(int(row.longest_wait)) + ' days':>14}{row.gave_up:>9,}{row.incidents:>11,}"
        )
    return "\n".join(lines)
