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
    "choose": ("Chọn (để trống: tất cả)", "Choose (empty: all)"),
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
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "layer_base": ("Ranh giới tỉnh", "Province boundaries"),
    "layer_border": ("Biên giới Việt – Lào", "Viet Nam – Laos border"),
    "layer_coastline": ("Đường bờ biển", "Coastline"),
    "layer_road": ("Quốc lộ", "National roads"),
    "layer_district_seat": ("Huyện lỵ (2011)", "District seats (2011)"),
    "layer_industrial_park": ("Khu công nghiệp", "Industrial parks"),
    "layer_economic_zone": ("Khu kinh tế", "Economic zones"),
    "layer_industrial_cluster": ("Cụm công nghiệp, làng nghề", "Industrial clusters, craft villages"),
    "layer_infrastructure": ("Cảng, cửa khẩu", "Ports and border gates"),
    "layer_projects": ("Dự án", "Projects"),
    "layer_uploaded": ("Dữ liệu tải lên: {name}", "Uploaded: {name}"),
    "tiles_osm": ("OpenStreetMap (cần internet)", "OpenStreetMap (online)"),
    "tiles_light": ("Nền sáng CARTO (cần internet)", "CARTO light (online)"),
    "tiles_satellite": ("Ảnh vệ tinh Esri (cần internet)", "Esri satellite (online)"),
    # --- field labels (popups, tables, exports) ---
    "field_id": ("Mã", "ID"),
    "field_name_vi": ("Tên", "Name (Vietnamese)"),
    "field_name_en": ("Tên tiếng Anh", "Name"),
    "field_subsector": ("Sản phẩm, phân ngành", "Product / branch"),
    "field_status_year": ("Năm của tình trạng", "Status year"),
    "field_status_note": ("Ghi chú tình trạng", "Status note"),
    "field_commune": ("Xã, phường, thị trấn", "Commune / ward / town"),
    "field_zone_id": ("Thuộc khu, cụm", "In park / zone / cluster"),
    "field_capacity_mw": ("Công suất (MW)", "Capacity (MW)"),
    "field_workers": ("Lao động (người)", "Workers"),
    "field_year": ("Năm", "Year"),
    "field_in_conclusion": ("Có trong Kết luận 11-KL/TU", "Named in Conclusion 11-KL/TU"),
    "field_location_confidence": ("Độ tin cậy vị trí", "Location confidence"),
    "field_geometry_quality": ("Loại hình học", "Geometry quality"),
    "field_location_note": ("Ghi chú vị trí", "Location note"),
    "field_sources": ("Nguồn", "Sources"),
    "field_notes": ("Ghi chú", "Notes"),
    "field_area_note": ("Ghi chú diện tích", "Area note"),
    "field_sectors_note": ("Ngành nghề", "Sectors"),
    "field_occupancy_note": ("Lấp đầy, dự án", "Occupancy and projects"),
    "field_legal_basis": ("Cơ sở pháp lý", "Legal basis"),
    "field_facility": ("Loại công trình", "Facility"),
    "field_unit_type": ("Cấp hành chính (2011)", "Unit type (2011)"),
    "field_seat": ("Huyện lỵ", "Seat"),
    "field_anchor_lon": ("Kinh độ điểm gốc", "Anchor longitude"),
    "field_anchor_lat": ("Vĩ độ điểm gốc", "Anchor latitude"),
    "tab_map": ("Bản đồ", "Map"),
    "url_ignored": ("Đã bỏ qua giá trị không hợp lệ trong đường dẫn: {values}",
                    "Ignored unknown values in the URL: {values}"),
    "download_png": ("Ảnh PNG (A4, 300 dpi)", "PNG image (A4, 300 dpi)"),
    "download_pdf": ("PDF (A3)", "PDF (A3)"),
    "download_html": ("Bản đồ HTML độc lập", "Standalone HTML map"),
    # --- statistics ---
    "stats": ("Thống kê", "Statistics"),
    "stats_reported": ("Số liệu Kết luận 11-KL/TU", "Figures reported by Conclusion 11-KL/TU"),
    "stats_indicator": ("Chỉ tiêu", "Indicator"),
    "stats_col_reported": ("Kết luận nêu", "Reported"),
    "stats_value": ("Giá trị", "Value"),
    "stats_unit": ("Đơn vị", "Unit"),
    "stats_period": ("Thời kỳ", "Period"),
    "stats_mapped": ("Có trong dữ liệu", "In the dataset"),
    "stats_located": ("Đã định vị", "Located"),
    "stats_gap": ("Chênh lệch", "Gap"),
    "stats_gap_note": (
        "Chênh lệch = số liệu Kết luận trừ số bản ghi trong dữ liệu: các nguồn công khai chỉ nêu tên một phần dự án.",
        "Gap = the conclusion's figure minus the records in the dataset: "
        "public sources name only part of the projects.",
    ),
    "stats_filtered": ("Dự án theo bộ lọc hiện tại ({n})", "Projects in the current filter ({n})"),
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
    "report_no_projects": ("Không có dự án nào theo bộ lọc", "No project matches the filters"),
    "report_exported": ("Ngày xuất", "Exported"),
    "report_crs": ("Hệ tọa độ VN-2000 / UTM múi 48N (EPSG:3405)", "VN-2000 / UTM zone 48N (EPSG:3405)"),
    "report_not_located": (
        "{n}/{m} dự án theo bộ lọc chưa được định vị nên không thể hiện trên bản đồ.",
        "{n} of {m} filtered projects not located (not drawn).",
    ),
    "report_low_confidence": ("Vị trí suy luận (độ tin cậy thấp)", "Inferred location (low confidence)"),
    "report_base_layers": ("Nền bản đồ, hạ tầng", "Base map, infrastructure"),
    "report_laos": ("LÀO", "LAOS"),
    "report_page": ("Trang {page}/{pages}", "Page {page} of {pages}"),
    "report_more": ("… và {n} dự án khác (xem bản xuất dữ liệu)", "… and {n} more (see the data export)"),
    "report_not_drawn": ("chưa định vị", "not located"),
    "report_near_rule": (
        "Dự án trong phạm vi, có mã khu này, hoặc cách điểm không quá {km} km (vòng tròn chấm).",
        "Projects inside the footprint, with this zone id, or within {km} km of the point (dotted circle).",
    ),
    "report_district_rule": (
        "Dự án có mã huyện này. Phạm vi bản đồ: các đối tượng đã định vị của huyện (chưa có ranh giới huyện).",
        "Projects with this district code. Map extent: the district's located features (no district boundaries).",
    ),
    "report_unlocated_title": ("Chưa định vị: không có trang bản đồ", "Not located: no map page"),
    "report_unlocated_note": (
        "Các đối tượng sau chưa có vị trí trong dữ liệu nên không có trang bản đồ. "
        "Dự án liên quan (theo mã khu/huyện):",
        "These features have no location in the data, so they have no map page. "
        "Related projects (by zone/district code):",
    ),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Return the string ``key`` in ``lang``, formatted with ``fmt``."""
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text
