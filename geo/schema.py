"""The qtmap schema: layer kinds, their fields, and the controlled vocabularies.

Vocabularies are tables of rows (code, Vietnamese label, English label); a new
category is one new row.  Readers accept a code or either label, in any case,
with or without Vietnamese diacritics (see :func:`normalise_term`).

Examples
--------
>>> normalise_term("sector", "Vật liệu xây dựng")
'building_materials'
>>> normalise_term("status", "dang hoat dong")
'operating'
>>> normalise_term("sector", "steel") is None
True

"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import get_close_matches

__all__ = [
    "ATLAS_KINDS", "BASE_KINDS", "CONFIDENCES", "DISTRICTS", "ENTITY_KINDS", "FACILITIES", "FIELD_ALIASES", "FILES",
    "GEOMETRY_QUALITIES", "KINDS", "LAT_COLUMNS", "LAYER_FAMILIES", "LON_COLUMNS", "ROLES", "SECTORS", "STATUSES",
    "VOCABULARIES", "WKT_COLUMNS", "X_COLUMNS", "Y_COLUMNS", "ZONE_KINDS", "Field", "Kind", "Term", "codes",
    "column_key", "fold", "kinds", "label", "normalise_term", "suggest_term",
]


@dataclass(frozen=True)
class Term:
    """One entry of a controlled vocabulary."""

    code: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` ('vi' or 'en')."""
        return self.vi if lang == "vi" else self.en


SECTORS: tuple[Term, ...] = (
    Term("processing", "Chế biến nông, lâm, thủy sản, thực phẩm", "Agro-forestry-fishery and food processing",
         ("chế biến", "cong nghiep che bien", "chế biến nông sản", "chế biến thực phẩm", "food processing",
          "agro-processing")),
    Term("building_materials", "Vật liệu xây dựng", "Building materials", ("vlxd", "construction materials")),
    Term("mining", "Khai thác và chế biến khoáng sản", "Mining and minerals",
         ("khai thác khoáng sản", "khai thac", "minerals")),
    Term("chemicals", "Hóa chất, phân bón, cao su, nhựa", "Chemicals, fertiliser, rubber, plastics",
         ("hóa chất", "chemical")),
    Term("mechanical", "Cơ khí, sản phẩm kim loại", "Mechanical engineering, metal products",
         ("cơ khí", "metal products")),
    Term("electricity", "Sản xuất điện", "Electricity", ("điện", "dien", "power", "energy")),
    Term("water", "Sản xuất nước sạch", "Water supply", ("nước", "nuoc", "nước sạch", "nuoc sach")),
    Term("light_industry", "May mặc, giày da, điện tử, công nghiệp nhẹ",
         "Garments, footwear, electronics, light industry", ("may mặc", "dệt may", "garments", "textiles")),
)

STATUSES: tuple[Term, ...] = (
    Term("operating", "Đang hoạt động", "Operating", ("hoạt động", "hoat dong", "đã đi vào hoạt động", "in operation")),
    Term("under_construction", "Đang xây dựng", "Under construction", ("đang triển khai", "xây dựng", "building")),
    Term("licensed", "Đã cấp phép", "Licensed", ("cấp phép", "cap phep", "đã cấp phép đầu tư", "registered")),
    Term("planned", "Quy hoạch", "Planned", ("dự kiến", "du kien", "quy hoạch", "planning")),
    Term("stalled", "Đình trệ", "Stalled", ("chậm triển khai", "cham trien khai", "tạm dừng", "suspended")),
)

CONFIDENCES: tuple[Term, ...] = (
    Term("high", "Cao", "High"),
    Term("medium", "Trung bình", "Medium"),
    Term("low", "Thấp (suy luận)", "Low (inferred)"),
    Term("none", "Chưa định vị", "Not located"),
)

GEOMETRY_QUALITIES: tuple[Term, ...] = (
    Term("surveyed", "Ranh giới đo đạc", "Surveyed boundary"),
    Term("approximate", "Phạm vi ước tính", "Approximate footprint"),
    Term("point", "Điểm", "Point"),
)

FACILITIES: tuple[Term, ...] = (
    Term("port", "Cảng biển", "Seaport", ("cảng", "cang")),
    Term("border_gate", "Cửa khẩu", "Border gate", ("cửa khẩu", "cua khau")),
)

# District-level units of 2011 (historical since the 2025 reform abolished districts).
DISTRICTS: tuple[Term, ...] = (
    Term("dong_ha", "TP Đông Hà", "Đông Hà city", ("đông hà", "thành phố đông hà")),
    Term("quang_tri_town", "TX Quảng Trị", "Quảng Trị town", ("quảng trị", "thị xã quảng trị")),
    Term("vinh_linh", "Vĩnh Linh", "Vĩnh Linh", ("huyện vĩnh linh",)),
    Term("gio_linh", "Gio Linh", "Gio Linh", ("huyện gio linh",)),
    Term("cam_lo", "Cam Lộ", "Cam Lộ", ("huyện cam lộ",)),
    Term("trieu_phong", "Triệu Phong", "Triệu Phong", ("huyện triệu phong",)),
    Term("hai_lang", "Hải Lăng", "Hải Lăng", ("huyện hải lăng",)),
    Term("huong_hoa", "Hướng Hóa", "Hướng Hóa", ("huyện hướng hóa", "huong hoa")),
    Term("dakrong", "Đakrông", "Đakrông", ("đa krông", "huyện đakrông")),
    Term("con_co", "Cồn Cỏ", "Cồn Cỏ", ("huyện đảo cồn cỏ",)),
)

VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "sector": SECTORS,
    "status": STATUSES,
    "location_confidence": CONFIDENCES,
    "geometry_quality": GEOMETRY_QUALITIES,
    "facility": FACILITIES,
    "district": DISTRICTS,
}


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (đ → d), for matching.

    >>> fold("Quán Ngang  ĐÔNG Hà")
    'quan ngang dong ha'
    """
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def _lookup(vocab: str) -> dict[str, str]:
    """Map every folded code, label and alias of ``vocab`` to its code."""
    table: dict[str, str] = {}
    for term in VOCABULARIES[vocab]:
        for spelling in (term.code, term.vi, term.en, *term.aliases):
            table.setdefault(fold(spelling), term.code)
    return table


_LOOKUPS: dict[str, dict[str, str]] = {name: _lookup(name) for name in VOCABULARIES}


def normalise_term(vocab: str, value: object) -> str | None:
    """Return the code of ``value`` in vocabulary ``vocab``, or None if unknown."""
    if value is None:
        return None
    return _LOOKUPS[vocab].get(fold(str(value)))


def suggest_term(vocab: str, value: object) -> str | None:
    """Return the code closest in spelling to an unknown ``value``, if any is close."""
    table = _LOOKUPS[vocab]
    match = get_close_matches(fold(str(value)), list(table), n=1, cutoff=0.5)
    return table[match[0]] if match else None


def codes(vocab: str) -> list[str]:
    """Return the codes of vocabulary ``vocab`` in display order."""
    return [t.code for t in VOCABULARIES[vocab]]


def label(vocab: str, code: str | None, lang: str = "vi") -> str:
    """Return the label of ``code`` in ``lang``; unknown codes come back unchanged."""
    for term in VOCABULARIES[vocab]:
        if term.code == code:
            return term.label(lang)
    return "" if code is None else str(code)


@dataclass(frozen=True)
class Field:
    """One attribute of a layer kind."""

    name: str
    type: str  # "str", "int", "float", "bool", or a vocabulary name from VOCABULARIES
    required: bool = False
    unit: str = ""
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None


# Column headers planners use for schema fields (Vietnamese and common English), matched like
# field names: any case, with or without diacritics, spaces or punctuation.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("mã", "mã dự án", "ma so"),
    "name_vi": ("tên", "tên dự án", "tên công trình", "name"),
    "name_en": ("tên tiếng Anh", "english name"),
    "sector": ("ngành", "lĩnh vực", "nhóm ngành"),
    "subsector": ("sản phẩm", "phân ngành"),
    "status": ("tình trạng", "trạng thái"),
    "status_year": ("năm tình trạng",),
    "district": ("huyện", "quận huyện", "huyện thị"),
    "commune": ("xã", "xã phường", "phường xã"),
    "investor": ("chủ đầu tư", "nhà đầu tư", "doanh nghiệp"),
    "capacity": ("công suất",),
    "capacity_mw": ("công suất mw",),
    "capital_bn_vnd": ("vốn đầu tư tỷ đồng", "vốn tỷ đồng", "tổng vốn tỷ đồng", "vốn đầu tư"),
    "workers": ("lao động", "số lao động"),
    "year": ("năm", "năm cấp phép"),
    "area_ha": ("diện tích", "diện tích ha"),
    "location_confidence": ("độ tin cậy", "độ tin cậy vị trí"),
    "sources": ("nguồn", "nguồn tài liệu"),
    "notes": ("ghi chú",),
    "zone_id": ("khu cụm", "mã khu"),
}

# Fields every located entity shares.
_COMMON: tuple[Field, ...] = (
    Field("id", "str", True, description="stable identifier, unique within the kind"),
    Field("name_vi", "str", True, description="Vietnamese name"),
    Field("name_en", "str", description="English name"),
    Field("district", "district", description="district-level unit of 2011"),
    Field("commune", "str", description="commune, ward or town (xã/phường/thị trấn)"),
    Field("location_confidence", "location_confidence", True,
          description="how sure the location is (see the fact sheet's scale)"),
    Field("geometry_quality", "geometry_quality", description="surveyed boundary, approximate footprint or point"),
    Field("location_note", "str", description="how the location was inferred"),
    Field("sources", "str", True, description="source keys separated by ';' (see data/sources.csv)"),
    Field("notes", "str", description="anything else a planner should know"),
)

_STATUS: tuple[Field, ...] = (
    Field("status", "status", True, description="status in the year given by status_year"),
    Field("status_year", "int", unit="year", minimum=1990, maximum=2035,
          description="year the status refers to (2011 = the conclusion's review)"),
    Field("status_note", "str", description="status as the sources word it"),
)

_AREA = Field("area_ha", "float", unit="ha", minimum=0, maximum=100_000, description="documented area")


ROLES: tuple[str, ...] = ("entity", "zone", "base")
# Web-layer builder families (layers/: one builder per family, see layers.maps.BUILDERS).
LAYER_FAMILIES: tuple[str, ...] = ("areas", "places", "projects", "base")


@dataclass(frozen=True)
class Kind:
    """A layer kind: its stable code, labels, geometry types, fields, and where it lives.

    ``file`` is its bundled file under data/; ``role`` says whether its records are
    entities of the fact sheet ("entity"), parks/zones/clusters that projects lie in
    ("zone", also entities) or base layers ("base"); ``layer`` names its web-layer
    builder family (:data:`LAYER_FAMILIES`); ``atlas`` kinds make one report page per
    feature.
    """

    code: str
    vi: str
    en: str
    geometry: tuple[str, ...]  # allowed geometry types; empty: no geometry
    fields: tuple[Field, ...] = field(default_factory=tuple)
    file: str = ""
    role: str = "entity"
    layer: str = "places"
    atlas: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"kind {self.code!r}: role {self.role!r} is not one of {', '.join(ROLES)}")
        if self.layer not in LAYER_FAMILIES:
            raise ValueError(f"kind {self.code!r}: layer {self.layer!r} is not one of {', '.join(LAYER_FAMILIES)}")

    @property
    def is_entity(self) -> bool:
        """True for kinds whose records come from the fact sheet (zones included)."""
        return self.role in ("entity", "zone")

    def label(self, lang: str) -> str:
        """Return the label in ``lang``."""
        return self.vi if lang == "vi" else self.en

    @property
    def required(self) -> list[str]:
        """Names of the required fields."""
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field | None:
        """Return the field called ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)


_POINT = ("Point",)
_AREAL = ("Polygon", "MultiPolygon", "Point")
_LINE = ("LineString", "MultiLineString")
_POLY = ("Polygon", "MultiPolygon")

KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("project", "Dự án", "Projects", _POINT, (
        *_COMMON, *_STATUS,
        Field("sector", "sector", True, description="one of the conclusion's eight sector groups"),
        Field("subsector", "str", description="product or branch, e.g. cassava starch"),
        Field("zone_id", "str", description="id of the park, zone or cluster it lies in"),
        Field("investor", "str", description="investor or operator"),
        Field("capacity", "str", description="capacity as the sources give it"),
        Field("capacity_mw", "float", unit="MW", minimum=0, maximum=10_000),
        Field("capital_bn_vnd", "float", unit="bn VND", minimum=0, maximum=1_000_000),
        Field("workers", "int", unit="people", minimum=0, maximum=100_000),
        Field("year", "int", unit="year", minimum=1975, maximum=2035, description="year licensed or started"),
        Field("in_conclusion", "bool", description="named in Conclusion 11-KL/TU"),
    ), file="projects.geojson", layer="projects"),
    Kind("industrial_park", "Khu công nghiệp", "Industrial parks", _AREAL, (
        *_COMMON, *_STATUS, _AREA,
        Field("area_note", "str"), Field("sectors_note", "str"), Field("occupancy_note", "str"),
        Field("year", "int", unit="year", minimum=1975, maximum=2035, description="year established"),
        Field("in_conclusion", "bool"),
    ), file="industrial_parks.geojson", role="zone", layer="areas", atlas=True),
    Kind("economic_zone", "Khu kinh tế", "Economic zones", _AREAL, (
        *_COMMON, *_STATUS, _AREA,
        Field("legal_basis", "str"), Field("year", "int", unit="year", minimum=1975, maximum=2035),
        Field("in_conclusion", "bool"),
    ), file="economic_zones.geojson", role="zone", layer="areas", atlas=True),
    Kind("industrial_cluster", "Cụm công nghiệp, làng nghề", "Industrial clusters and craft villages", _AREAL, (
        *_COMMON, *_STATUS, _AREA,
        Field("area_note", "str"), Field("sectors_note", "str"),
        Field("year", "int", unit="year", minimum=1975, maximum=2035, description="year established"),
    ), file="industrial_clusters.geojson", role="zone", layer="areas", atlas=True),
    Kind("infrastructure", "Cảng, cửa khẩu", "Ports and border gates", _POINT, (
        *_COMMON, *_STATUS,
        Field("facility", "facility", True, description="port or border gate"),
        Field("capacity", "str"), Field("year", "int", unit="year", minimum=1900, maximum=2035),
    ), file="infrastructure.geojson"),
    Kind("district_seat", "Huyện lỵ", "District seats", _POINT, (
        *_COMMON,
        Field("unit_type", "str", description="city, town or district (2011)"),
        Field("seat", "str", description="the seat's town"),
    ), file="district_seats.geojson"),
    Kind("province", "Tỉnh Quảng Trị", "Quảng Trị province", _POLY, file="base/province.geojson", role="base",
         layer="base"),
    Kind("neighbour", "Tỉnh lân cận", "Neighbouring provinces", _POLY, file="base/neighbours.geojson", role="base",
         layer="base"),
    Kind("border", "Biên giới Việt – Lào", "Viet Nam – Laos border", _LINE, file="base/border_vnm_lao.geojson",
         role="base", layer="base"),
    Kind("coastline", "Đường bờ biển", "Coastline", _LINE, file="base/coastline.geojson", role="base", layer="base"),
    Kind("road", "Quốc lộ", "National roads", _LINE, file="base/roads_national.geojson", role="base", layer="base"),
    # Natural Earth 1:110m countries of the region, for the report sheets' locator inset only (no web layer).
    Kind("country", "Quốc gia trong khu vực", "Countries of the region", _POLY, file="base/countries_ne110m.geojson",
         role="base", layer="base"),
)}


def kinds(role: str | None = None, *, atlas: bool | None = None) -> tuple[str, ...]:
    """Codes of the kinds with ``role`` ("entity" includes zones) and ``atlas`` (None: any), in registry order.

    >>> kinds("zone")
    ('industrial_park', 'economic_zone', 'industrial_cluster')
    >>> kinds(atlas=True) == kinds("zone")
    True
    """
    return tuple(k.code for k in KINDS.values()
                 if (role is None or k.role == role or (role == "entity" and k.is_entity))
                 and (atlas is None or k.atlas == atlas))


# Derived from KINDS (do not list kinds anywhere else).
ENTITY_KINDS: tuple[str, ...] = kinds("entity")  # records from the fact sheet (as opposed to base layers)
ZONE_KINDS: tuple[str, ...] = kinds("zone")  # parks, economic zones and clusters that projects lie in
BASE_KINDS: tuple[str, ...] = kinds("base")
ATLAS_KINDS: tuple[str, ...] = kinds(atlas=True)
FILES: dict[str, str] = {k.code: k.file for k in KINDS.values()}  # kind -> bundled file under data/

# Coordinate column names, as compared by column_key (folded, letters and digits only).
LON_COLUMNS: tuple[str, ...] = ("lon", "lng", "long", "longitude", "kinhdo")
LAT_COLUMNS: tuple[str, ...] = ("lat", "latitude", "vido")
X_COLUMNS: tuple[str, ...] = ("x", "easting", "toadox", "east")
Y_COLUMNS: tuple[str, ...] = ("y", "northing", "toadoy", "north")
WKT_COLUMNS: tuple[str, ...] = ("wkt", "geometry", "geom")


def column_key(name: object) -> str:
    """Fold a column name for matching: no diacritics, no units in brackets, letters and digits only.

    >>> column_key("Kinh độ (°)")
    'kinhdo'
    """
    name = re.sub(r"[(\[].*?[)\]]", "", str(name))
    return re.sub(r"[^a-z0-9]", "", fold(name))
