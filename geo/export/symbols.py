"""Symbols from the one style table (geo.style): dashes, colours, project markers, legend swatches."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle

from geo import style
from geo.export.options import PX_TO_PT

__all__ = ["mpl_dash", "rgba", "project_symbol", "sym_marker", "sym_patch", "sym_line", "sym_seat", "sym_circle"]


def mpl_dash(spec: str | None) -> str | tuple[float, tuple[float, ...]]:
    """Convert an SVG/Leaflet dash array in pixels ('5 4') to a matplotlib linestyle in points."""
    if not spec:
        return "solid"
    return (0.0, tuple(float(v) * PX_TO_PT for v in spec.replace(",", " ").split()))


def rgba(colour: str, alpha: float) -> tuple[float, float, float, float]:
    """Return ``colour`` as an RGBA tuple with opacity ``alpha``."""
    r, g, b, _ = matplotlib.colors.to_rgba(colour)
    return (r, g, b, float(alpha))


def project_symbol(sector: str | None, status: str | None, low_confidence: bool) -> dict[str, object]:
    """Matplotlib scatter keywords of a project: sector colour; status fill, dash and marker; low confidence lighter.

    Matches the interactive map: a low-confidence location keeps its status fill but gets
    the approximate dash and an outline at ``LOW_CONFIDENCE_OPACITY``.

    >>> project_symbol("electricity", "planned", False)["facecolors"][0][3]
    0.0
    >>> project_symbol("electricity", "operating", True)["edgecolors"][0][3]
    0.55
    """
    colour = style.sector_colour(sector)
    sym = style.status_symbol(status)
    dash = style.APPROXIMATE_DASH if low_confidence else sym.dash
    return {"marker": sym.marker, "facecolors": [rgba(colour, sym.fill_opacity)],
            "edgecolors": [rgba(colour, style.LOW_CONFIDENCE_OPACITY if low_confidence else 1.0)],
            "linewidths": 1.5 * PX_TO_PT, "linestyles": [mpl_dash(dash)]}



def sym_marker(marker: str, size: float, face: object, edge: object, lw: float, ls: object = "solid"
               ) -> Callable[[Axes, float, float, float], None]:
    """Legend swatch: one marker, centred 2.5 mm into the row."""
    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.scatter([x + 2.5], [y], s=(size * k) ** 2, marker=marker, facecolors=[face], edgecolors=[edge],
                   linewidths=lw, linestyles=[ls], zorder=3, clip_on=False)
    return draw


def sym_patch(kind: str, dashed: bool) -> Callable[[Axes, float, float, float], None]:
    """Legend swatch: a filled rectangle in the style of area kind ``kind`` (dashed if approximate)."""
    s = style.KIND_STYLES[kind]

    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.add_patch(Rectangle((x, y - 1.3 * k), 5.0 * k, 2.6 * k, facecolor=rgba(s.fill or s.colour, s.fill_opacity),
                               edgecolor=s.colour, linewidth=s.weight * PX_TO_PT,
                               linestyle=mpl_dash(style.APPROXIMATE_DASH if dashed else None), zorder=3, clip_on=False))
    return draw


def sym_line(kind: str) -> Callable[[Axes, float, float, float], None]:
    """Legend swatch: a short line in the style of line kind ``kind``."""
    s = style.KIND_STYLES[kind]

    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.add_line(Line2D([x, x + 5.5 * k], [y, y], color=s.colour, linewidth=s.weight * PX_TO_PT,
                           linestyle=mpl_dash(s.dash), zorder=3, clip_on=False))
    return draw


def sym_seat() -> Callable[[Axes, float, float, float], None]:
    """Legend swatch: the district seat symbol (ringed dot)."""
    s = style.KIND_STYLES["district_seat"]

    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.scatter([x + 2.5], [y], s=(6.5 * k) ** 2, marker="o", facecolors=s.fill, edgecolors=s.colour,
                   linewidths=s.weight * PX_TO_PT * 1.2, zorder=3, clip_on=False)
        ax.scatter([x + 2.5], [y], s=(2.4 * k) ** 2, marker="o", facecolors=s.colour, linewidths=0, zorder=4,
                   clip_on=False)
    return draw


def sym_circle(k_radius_mm: float) -> Callable[[Axes, float, float, float], None]:
    """Legend swatch: the dotted circle of an atlas page's search radius."""
    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.add_patch(Circle((x + 2.5, y), 1.2 * k, facecolor="none", edgecolor="#555555", linewidth=0.7,
                            linestyle=(0, (1, 1.5)), clip_on=False))
    return draw
