"""Text on paper: NFC names, counts with thousands separators, DejaVu Sans widths, wrapping, truncation."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from geo.export.options import FONT
from geo.i18n import fmt_number

__all__ = ["nfc", "fmt_int", "text_width_pt", "wrap_text", "truncate_text"]


def nfc(text: object) -> str:
    """Return ``text`` as an NFC string (decomposed Vietnamese would render badly)."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def fmt_int(n: int, lang: str) -> str:
    """Format a count with the language's thousands separator.

    >>> fmt_int(29981, "vi"), fmt_int(29981, "en")
    ('29.981', '29,981')
    """
    return fmt_number(int(n), lang)


_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=20000)
def text_width_pt(text: str, size: float, weight: str = "normal", style_: str = "normal") -> float:
    """Width in points of ``text`` set in DejaVu Sans at ``size`` points."""
    prop = FontProperties(family=FONT, size=size, weight=weight, style=style_)
    # Agg's hinting sets text up to ~4 % wider than the outline metrics: keep a margin.
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)[0] * 1.05


def wrap_text(text: str, size: float, width_mm: float, weight: str = "normal") -> list[str]:
    """Greedy word wrap of ``text`` to ``width_mm`` at ``size`` points (a too-long word gets its own line)."""
    limit = width_mm / 25.4 * 72
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width_pt(candidate, size, weight) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def truncate_text(text: str, size: float, width_mm: float, weight: str = "normal") -> str:
    """Cut ``text`` with an ellipsis so it fits ``width_mm`` at ``size`` points."""
    limit = width_mm / 25.4 * 72
    if text_width_pt(text, size, weight) <= limit:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width_pt(text[:mid].rstrip() + "…", size, weight) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"
