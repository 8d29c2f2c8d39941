"""Symbol options qtmap.js reads for area and place layers: the style-table entry, low-confidence marking."""

from __future__ import annotations

from geo import style
from geo.schema import VOCABULARIES

__all__ = ["area_style", "confidence_options"]


def area_style(kind: str) -> dict[str, object]:
    """The style-table entry of ``kind`` as a dict for qtmap.js."""
    s = style.KIND_STYLES[kind]
    return {"colour": s.colour, "fill": s.fill, "fill_opacity": s.fill_opacity, "weight": s.weight, "dash": s.dash}


def confidence_options() -> dict[str, object]:
    """How qtmap.js marks uncertain locations: which confidence indexes, dash and opacity."""
    order = [term.code for term in VOCABULARIES["location_confidence"]]
    return {"low_confidence": [order.index("low")], "low_dash": style.APPROXIMATE_DASH.replace(" ", ","),
            "low_opacity": style.LOW_CONFIDENCE_OPACITY}
