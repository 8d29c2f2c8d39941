"""Every user-facing string of qtmap, in Vietnamese (default) and English.

Vocabulary labels (sectors, statuses, ...) live in geo.schema; everything else
shown to a user is here, keyed by a stable name.

Examples
--------
>>> t("filter_sector", "en")
'Sector'
>>> t("n_projects", "vi", n=3)
'3 dự án'
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

STRINGS: dict[str, tuple[str, str]] = {
    # --- app: page and sidebar ---
    "app_title": ("Bản đồ quy hoạch công nghiệp tỉnh Quảng Trị", "Quảng Trị industrial planning map"),
    "app_caption": (
        "Khu, cụm công nghiệp, khu kinh tế và dự án theo Kết luận 11-KL/TU (2012) của Tỉnh ủy",
        "Industrial parks, clusters, economic zones and projects of Party Committee Conclusion 11-KL/TU (2012)",
    ),
    "language": ("Ngôn ngữ", "Language"),
    "filters": ("Bộ lọc", "Filters"),
    "filter_sector": ("Ngành", "Sector"),
    "filter_status": ("Tình trạng", "Status"),
    "filter_district": ("Huyện, thị, thành phố (2011)", "District (2011)"),
    "filter_zone": ("Khu, cụm công nghiệp / khu kinh tế", "Park, cluster or zone"),
    "filter_years": ("Năm (tình trạng)", "Year (of status)"),
    "filter_search": ("Tìm theo tên, chủ đầu tư", "Search names and investors"),
    "filter_search_help": ("Không phân biệt dấu và chữ hoa", "Ignores diacritics and case"),
    "all": ("Tất cả", "All"),
    "n_projects": ("{n} dự án", "{n} projects"),
    "n_shown": ("Hiển thị {shown}/{total} dự án có vị trí", "Showing {shown} of {total} located projects"),
    # --- map: layers, legend, popups ---
    "basemap": ("Nền bản đồ", "Basemap"),
    "basemap_none": ("Chỉ lớp vector (ngoại tuyến)", "Vector layers only (offline)"),
    "legend": ("Chú giải", "Legend"),
    "legend_sectors": ("Dự án theo ngành", "Projects by sector"),
    "legend_statuses": ("Tình trạng", "Status"),
    "legend_areas": ("Khu vực", "Areas"),
    "legend_note_approx": (
        "Nét đứt: phạm vi ước tính hoặc vị trí suy luận (độ tin cậy thấp), cần kiểm tra trên bản đồ chính thức.",
        "Dashed: approximate footprint or inferred location (low confidence); check against an official map.",
    ),
    "popup_sources": ("Nguồn", "Sources"),
    "popup_confidence": ("Độ tin cậy vị trí", "Location confidence"),
    "popup_geometry": ("Hình học", "Geometry"),
    "field_sector": ("Ngành", "Sector"),
    "field_status": ("Tình trạng", "Status"),
    "field_district": ("Huyện", "District"),
    "field_investor": ("Chủ đầu tư", "Investor"),
    "field_area_ha": ("Diện tích (ha)", "Area (ha)"),
    "field_capacity": ("Công suất", "Capacity"),
    "field_capital_bn_vnd": ("Vốn (tỷ đồng)", "Capital (bn VND)"),
    # --- statistics ---
    "stats": ("Thống kê", "Statistics"),
    "stats_reported": ("Số liệu Kết luận 11-KL/TU", "Figures reported by Conclusion 11-KL/TU"),
    "stats_mapped": ("Có trong dữ liệu", "In the dataset"),
    "stats_located": ("Đã định vị", "Located"),
    "stats_gap": ("Chênh lệch", "Gap"),
    "stats_unlocated": ("Đối tượng đã biết nhưng chưa định vị", "Known but not yet located"),
    # --- upload ---
    "upload": ("Tải lên dữ liệu của bạn", "Upload your own data"),
    "upload_help": (
        "GeoJSON, GeoPackage, Shapefile nén (.zip), CSV hoặc XLSX có cột tọa độ",
        "GeoJSON, GeoPackage, zipped shapefile, CSV or XLSX with coordinate columns",
    ),
    "upload_kind": ("Loại dữ liệu", "Data kind"),
    "upload_crs": ("Hệ tọa độ (nếu X/Y phẳng)", "CRS (for projected X/Y)"),
    "upload_replace": ("Thay thế danh mục dự án", "Replace the project register"),
    "upload_ok": ("Tệp hợp lệ: {n} đối tượng", "Valid file: {n} features"),
    "upload_problems": ("Tệp có {n} lỗi, chưa được hiển thị:", "The file has {n} problems and is not shown:"),
    # --- downloads ---
    "downloads": ("Tải xuống bản đồ và dữ liệu", "Download map and data"),
    # --- report maps ---
    "report_title": ("Bản đồ công nghiệp tỉnh Quảng Trị", "Industry in Quảng Trị province"),
    "report_all_projects": ("Tất cả dự án", "All projects"),
    "report_sources": ("Nguồn", "Sources"),
    "report_data_date": ("Dữ liệu", "Data"),
    "report_projects_in": ("Dự án trong hoặc gần {name}", "Projects in or near {name}"),
    "report_none": ("Không có dự án đã định vị", "No located projects"),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Return the string ``key`` in ``lang``, formatted with ``fmt``."""
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text
