"""The one style table: colours and symbols per sector, status and layer kind.

The interactive map (layers/) and the report maps (geo/export/) both read these
tables, so a category looks the same on screen and on paper.

Examples
--------
>>> SECTOR_COLOURS["electricity"]
'#e6a100'
>>> from geo.schema import codes
>>> sorted(STATUS_SYMBOLS) == sorted(codes("status"))
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "APPROXIMATE_DASH", "FACILITY_MARKERS", "KIND_LABEL_CLASS", "KIND_STYLES", "LABEL_PRIORITY",
    "LOW_CONFIDENCE_OPACITY", "PROJECT_RADIUS_PX",
    "PROJECT_SIZE_PT", "SECTOR_COLOURS", "STATUS_SYMBOLS", "UNKNOWN_COLOUR", "WATER_COLOUR", "AreaStyle",
    "StatusSymbol", "sector_colour", "status_symbol",
]

# Colour-blind-aware qualitative palette (Okabe–Ito based), one colour per sector group.
SECTOR_COLOURS: dict[str, str] = {
    "processing": "#009e73",
    "building_materials": "#8c564b",
    "mining": "#7f7f7f",
    "chemicals": "#cc79a7",
    "mechanical": "#0072b2",
    "electricity": "#e6a100",
    "water": "#56b4e9",
    "light_industry": "#d55e00",
}
UNKNOWN_COLOUR = "#333333"


@dataclass(frozen=True)
class StatusSymbol:
    """How a status is drawn: filled or hollow, solid or dashed outline."""

    fill_opacity: float
    dash: str | None  # SVG/Leaflet dash array, None = solid
    marker: str  # matplotlib marker


STATUS_SYMBOLS: dict[str, StatusSymbol] = {
    "operating": StatusSymbol(0.9, None, "o"),
    "under_construction": StatusSymbol(0.45, None, "o"),
    "licensed": StatusSymbol(0.15, "3 2", "o"),
    "planned": StatusSymbol(0.0, "3 2", "o"),
    "stalled": StatusSymbol(0.0, None, "X"),
}

# Project marker radius in screen pixels (interactive) and points (print).
PROJECT_RADIUS_PX = 7
PROJECT_SIZE_PT = 7


@dataclass(frozen=True)
class AreaStyle:
    """Style of a polygon or line layer."""

    colour: str
    fill: str | None = None
    fill_opacity: float = 0.0
    weight: float = 1.0
    dash: str | None = None


KIND_STYLES: dict[str, AreaStyle] = {
    "province": AreaStyle("#444444", "#fbf8ef", 1.0, 1.6),
    "neighbour": AreaStyle("#9a9a9a", "#ececec", 1.0, 0.8),
    "border": AreaStyle("#7a1f1f", None, 0.0, 2.2, "8 4 2 4"),
    "coastline": AreaStyle("#3a7ca5", None, 0.0, 1.0),
    "road": AreaStyle("#c0392b", None, 0.0, 1.3),
    "industrial_park": AreaStyle("#6a3d9a", "#cab2d6", 0.55, 1.6),
    "economic_zone": AreaStyle("#1f78b4", "#a6cee3", 0.35, 1.6),
    "industrial_cluster": AreaStyle("#b15928", "#fdbf6f", 0.55, 1.2),
    "infrastructure": AreaStyle("#17365d", "#ffffff", 1.0, 2.0),
    "district_seat": AreaStyle("#222222", "#ffffff", 1.0, 1.2),
    "country": AreaStyle("#8f8f8f", "#ececec", 1.0, 0.6),  # the locator inset's countries (Viet Nam: province fill)
}
WATER_COLOUR = "#dcebf5"

# Label classes, most important first (report sheets: geo.export.labels; web map: qtmap.js thins by it).
LABEL_PRIORITY: dict[str, int] = {"zone": 0, "seat": 1, "cluster": 2, "place": 3, "project": 4, "context": 5}
# The class of each labelled layer kind.
KIND_LABEL_CLASS: dict[str, str] = {"economic_zone": "zone", "industrial_park": "zone", "district_seat": "seat",
                                    "industrial_cluster": "cluster", "infrastructure": "place", "project": "project",
                                    "neighbour": "context", "country": "context"}

# Approximate footprints and low-confidence points get this dash and a lighter outline.
APPROXIMATE_DASH = "5 4"
LOW_CONFIDENCE_OPACITY = 0.55

FACILITY_MARKERS: dict[str, str] = {"port": "s", "border_gate": "D"}


def sector_colour(code: str | None) -> str:
    """Return the colour of sector ``code`` (dark grey for unknown codes)."""
    return SECTOR_COLOURS.get(code or "", UNKNOWN_COLOUR)


def status_symbol(code: str | None) -> StatusSymbol:
    """Return the symbol of status ``code`` (operating's for unknown codes)."""
    return STATUS_SYMBOLS.get(code or "", STATUS_SYMBOLS["operating"])

