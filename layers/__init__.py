"""Map layers: one module per layer kind, each turning a GeoDataFrame into a folium layer (see maps.py)."""

__all__: list[str] = []
