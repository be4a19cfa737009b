"""Codes shared by the kernels and the engine: agent status and node kinds.

An agent is always in exactly one place: at a node (settled, in transit,
departing), on a link, or in a terminal state (returned home, dead, ...).
Terminal codes are >= ``FIRST_TERMINAL`` so a kernel can skip them with one test.
"""

# Agent status (uint8)
SETTLED = 0  # living at a node: a host city, or a destination reached
IN_TRANSIT = 1  # at a node on the way to its destination
DEPARTING = 2  # decided today to leave its node; the move phase puts it on a link
ON_LINK = 3  # travelling along a directed link
WAITING = 4  # queued at a crossing (border policies)
FIRST_TERMINAL = 10
RETURNED = 10  # went back to its origin and left the system
DEAD = 11

STATUS_NAMES = {
    SETTLED: "settled",
    IN_TRANSIT: "in_transit",
    DEPARTING: "departing",
    ON_LINK: "on_link",
    WAITING: "waiting",
    RETURNED: "returned",
    DEAD: "dead",
}

# Agent flags (uint8 bit field)
FLAG_RETURNING = 1  # heading back to its origin

# Node kinds (int8), the vocabulary of the route graph
ORIGIN_CITY = 0
BORDER_CROSSING = 1
TRANSIT_HUB = 2
DESTINATION_CITY = 3
RECEPTION_STATION = 4

NODE_KINDS = {
    "origin city": ORIGIN_CITY,
    "border crossing": BORDER_CROSSING,
    "transit hub": TRANSIT_HUB,
    "destination city": DESTINATION_CITY,
    "reception station": RECEPTION_STATION,
}

# Travel modes of links, the vocabulary of links.csv
MODES = ("road", "bus", "boat", "foot")
