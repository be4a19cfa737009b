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
    lines.append(f"wall time {rec['timings_seconds']['wall']:.1f} s")
    return "\n".join(lines)
