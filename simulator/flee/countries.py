"""Three-letter codes for the free-text country names of Flee's locations.csv.

migsim's graph needs an ISO 3166 alpha-3 code per place; Flee has a country
name.  Names of the countries in Flee's published cases (and their
neighbours) are known; any other name gets a made-up code from its letters,
and the importer says so.
"""

from __future__ import annotations

import unicodedata

ISO3 = {
    "afghanistan": "AFG", "algeria": "DZA", "angola": "AGO", "bangladesh": "BGD", "benin": "BEN",
    "burkina faso": "BFA", "burkina_faso": "BFA", "burundi": "BDI", "cameroon": "CMR",
    "central african republic": "CAF", "central_african_republic": "CAF", "car": "CAF", "chad": "TCD",
    "colombia": "COL", "congo": "COG", "republic of the congo": "COG", "democratic republic of the congo": "COD",
    "democratic republic of congo": "COD", "drc": "COD", "dr congo": "COD", "djibouti": "DJI", "ecuador": "ECU",
    "egypt": "EGY", "eritrea": "ERI", "ethiopia": "ETH", "gambia": "GMB", "germany": "DEU", "ghana": "GHA",
    "greece": "GRC", "guinea": "GIN", "guinea-bissau": "GNB", "hungary": "HUN", "india": "IND", "iran": "IRN",
    "iraq": "IRQ", "italy": "ITA", "ivory coast": "CIV", "cote d'ivoire": "CIV", "jordan": "JOR", "kenya": "KEN",
    "lebanon": "LBN", "liberia": "LBR", "libya": "LBY", "mali": "MLI", "mauritania": "MRT", "moldova": "MDA",
    "morocco": "MAR", "mozambique": "MOZ", "myanmar": "MMR", "niger": "NER", "nigeria": "NGA", "pakistan": "PAK",
    "peru": "PER", "poland": "POL", "romania": "ROU", "russia": "RUS", "rwanda": "RWA", "senegal": "SEN",
    "sierra leone": "SLE", "slovakia": "SVK", "somalia": "SOM", "south sudan": "SSD", "south_sudan": "SSD",
    "ssudan": "SSD", "sudan": "SDN", "syria": "SYR", "tanzania": "TZA", "togo": "TGO", "tunisia": "TUN",
    "turkey": "TUR", "turkiye": "TUR", "uganda": "UGA", "ukraine": "UKR", "venezuela": "VEN", "yemen": "YEM",
    "zambia": "ZMB", "zimbabwe": "ZWE", "belarus": "BLR", "brazil": "BRA", "panama": "PAN", "mexico": "MEX",
}  # fmt: skip


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().casefold()


def country_codes(names: list[str]) -> tuple[dict[str, str], list[str]]:
    """A three-letter code per distinct country name, and the names that got a made-up code."""
    codes: dict[str, str] = {}
    made_up: list[str] = []
    for name in dict.fromkeys(names):
        folded = _fold(name)
        if folded in ISO3:
            codes[name] = ISO3[folded]
        elif len(folded) == 3 and folded.isalpha():
            codes[name] = folded.upper()
    used = set(codes.values())
    for name in dict.fromkeys(names):
        if name in codes:
            continue
        letters = "".join(c for c in _fold(name).upper() if "A" <= c <= "Z")
        code = (letters + "XXX")[:3]
        k = 1
        while code in used:
            code = f"{code[0]}{k:02d}"
            k += 1
        codes[name] = code
        used.add(code)
        made_up.append(name)
    return codes, made_up
