"""Export options and the constants of a report sheet: paper sizes, map CRS, ink, font, rc parameters."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from geo.extra import ExtraLayer, extra_layers
from geo.formats import suffixes
from geo.i18n import t
from geo.schema import KINDS

__all__ = [
    "MAP_CRS", "PAPER_MM", "FORMATS", "NEAR_KM", "OUTSIDE_COLOUR", "INK", "FONT", "PX_TO_PT", "RC_PARAMS",
    "ExportError", "ExportOptions",
]


MAP_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N: metres, so the scale bar is true
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
FORMATS: tuple[str, ...] = suffixes("report")  # .png, .pdf, .svg (geo.formats: the one table of formats)

NEAR_KM = 3.0  # projects within this distance of a point feature belong to its atlas page
OUTSIDE_COLOUR = "#f1f0ec"  # land outside the bundled layers (Laos, beyond the clip box)
INK = "#222222"
FONT = "DejaVu Sans"  # shipped with matplotlib; covers Vietnamese
PX_TO_PT = 0.75  # style weights and dashes are CSS pixels (1/96 in); print uses points (1/72 in)

RC_PARAMS = {
    "pdf.fonttype": 42,  # embed TrueType: PDF text stays real, selectable text
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # SVG text stays <text>
    "font.family": FONT,
    "lines.scale_dashes": False,  # dash lengths are absolute (points), as in the style table
    "axes.unicode_minus": False,
    "path.simplify": True,
    "text.parse_math": False,  # names are data: "$5 and $10" must not become mathtext
}


class ExportError(ValueError):
    """A report map cannot be made as asked; ``str()`` is the English text, :meth:`text` any language's.

    >>> err = ExportError("export_bad_dpi", value=5)
    >>> str(err)
    'dpi must be between 10 and 1200, not 5'
    >>> err.text("vi")
    'độ phân giải (dpi) phải từ 10 đến 1200, không phải 5'
    """

    def __init__(self, key: str, **fields: object) -> None:
        """Keep the catalog ``key`` (domain export) and the values of its placeholders."""
        self.key, self.fields = key, fields
        super().__init__(t(key, "en", **fields))

    def text(self, lang: str) -> str:
        """The message in ``lang`` ('vi' or 'en')."""
        return t(self.key, lang, **self.fields)


@dataclass(frozen=True)
class ExportOptions:
    """How a report map is laid out: paper, orientation, resolution, language, title, extent, layers, extra layers."""

    paper: str = "A4"  # 'A4' or 'A3'
    orientation: str = "landscape"  # or 'portrait'
    dpi: int = 300
    lang: str = "vi"  # or 'en'
    title: str | None = None  # default: i18n report_title
    extent: str = "province"  # or the id of a park/zone/cluster/port/gate/district seat/project, or a district code
    layers: tuple[str, ...] | None = None  # layer kinds to draw (geo.schema.KINDS); None = all
    exported: str | None = None  # export date in the footer, ISO 'YYYY-MM-DD'; None = today (fixed for baselines)
    bbox: tuple[float, float, float, float] | None = None  # the view on screen (west, south, east, north, degrees)
    extra: tuple[ExtraLayer, ...] = ()  # uploaded layers (geo.extra), drawn over the register and in the legend
    # The parks, zones and clusters to draw (a ``kind`` column, as Store.load_areas gives them); None: the bundled.
    areas: object = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Reject values a report map cannot honour, with a message that says what is valid."""
        if self.paper not in PAPER_MM:
            raise ExportError("export_bad_paper", valid=", ".join(PAPER_MM), value=repr(self.paper))
        if self.orientation not in ("landscape", "portrait"):
            raise ExportError("export_bad_orientation", value=repr(self.orientation))
        if not 10 <= int(self.dpi) <= 1200:
            raise ExportError("export_bad_dpi", value=self.dpi)
        if self.lang not in ("vi", "en"):
            raise ExportError("export_bad_lang", value=repr(self.lang))
        if isinstance(self.layers, str):  # 'road,project' from a form or a URL
            object.__setattr__(self, "layers", tuple(x.strip() for x in self.layers.split(",") if x.strip()))
        if self.layers is not None:
            unknown = [k for k in self.layers if k not in KINDS]
            if unknown:
                raise ExportError("export_unknown_layers", n=len(unknown), unknown=", ".join(unknown),
                                  valid=", ".join(KINDS))
        if self.bbox is not None:
            try:
                west, south, east, north = (float(v) for v in self.bbox)
            except (TypeError, ValueError):
                raise ExportError("export_bad_bbox", value=repr(self.bbox)) from None
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise ExportError("export_bad_bbox", value=repr(self.bbox))
            object.__setattr__(self, "bbox", (west, south, east, north))
        object.__setattr__(self, "extra", extra_layers(self.extra))
        if self.exported is not None:
            try:
                _dt.date.fromisoformat(str(self.exported))
            except ValueError:
                raise ExportError("export_bad_date", value=repr(self.exported)) from None

    @property
    def export_date(self) -> str:
        """The date printed in the footer: ``exported`` or today, as YYYY-MM-DD."""
        return str(self.exported) if self.exported is not None else _dt.date.today().isoformat()

    @property
    def page_mm(self) -> tuple[float, float]:
        """Page width and height in millimetres."""
        long, short = PAPER_MM[self.paper]
        return (long, short) if self.orientation == "landscape" else (short, long)

    def figsize(self, raster: bool) -> tuple[float, float]:
        """Figure size in inches: exact for vector output, exact in whole pixels for raster output.

        matplotlib truncates ``inches × dpi`` to whole pixels, so a raster figure is sized
        to ``round(mm / 25.4 × dpi)`` pixels plus a quarter pixel (A4 at 300 dpi: 3508 × 2480).
        """
        w_mm, h_mm = self.page_mm
        if not raster:
            return w_mm / 25.4, h_mm / 25.4
        return tuple((round(mm / 25.4 * self.dpi) + 0.25) / self.dpi for mm in (w_mm, h_mm))  # type: ignore[return-value]

    def shows(self, kind: str) -> bool:
        """Return True if layer ``kind`` is drawn."""
        return self.layers is None or kind in self.layers
