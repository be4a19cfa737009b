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
DEAD = 11  # died on the way (an incident on an irregular crossing)
STAYED = 12  # gave up leaving before departure (took up a local alternative)
DEPORTED = 13  # removed by a deportation policy

STATUS_NAMES = {
    SETTLED: "settled",
    IN_TRANSIT: "in_transit",
    DEPARTING: "departing",
    ON_LINK: "on_link",
    WAITING: "waiting",
    RETURNED: "returned",
    DEAD: "dead",
    STAYED: "stayed",
    DEPORTED: "deported",
}

# Agent flags (uint8 bit field)
FLAG_RETURNING = 1  # heading back to its origin
FLAG_INTERNET = 2  # has internet access (reachable by social media)
FLAG_REGULAR_STATUS = 4  # holds regular status where it lives
FLAG_LEFT_ORIGIN = 8  # has left its origin city at least once
FLAG_CROSSED_IRREGULARLY = 16  # has crossed a border irregularly at least once
FLAG_KNOWS_ROUTES = 32  # knows the latest closures and openings (else plans on the routes as they were before)
FLAG_MOVED_ON = 64  # has moved on from a place where it had settled (secondary movement)

# Documents held (uint8, ordered: a crossing that requires level L admits levels >= L)
DOCUMENTS = {"none": 0, "id": 1, "passport": 2, "visa": 3}

# Information topics (one int8 knowledge array each, -100..100; negative = misinformation)
TOPICS = ("regular_channels", "route_risks", "local_alternatives", "destination_services")

# Information channels (kinds of source), each with its own reach mechanics and trust array
CHANNELS = ("social_media", "information_centre", "community_outreach", "mass_media", "word_of_mouth")

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
