"""qtmap domain logic: schema, readers, validator, filters, statistics, exports (no Streamlit)."""

__all__: list[str] = []
