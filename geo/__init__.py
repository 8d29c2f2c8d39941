"""qtmap domain logic: schema, readers, validator, filters, statistics, exports (no Streamlit)."""
