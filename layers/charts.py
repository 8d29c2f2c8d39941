"""The statistics tab's charts (Altair): horizontal bars of a (label, count) table, titles in the user's language."""

from __future__ import annotations

import pandas as pd

from geo.i18n import t

__all__ = ["bar_chart"]


def bar_chart(table: pd.DataFrame, lang: str):
    """Horizontal bars of ``table`` (label, count): axis titles in ``lang``, whole labels, bars readable alone."""
    import altair as alt

    count = t("chart_count", lang)
    return alt.Chart(table).mark_bar(size=18).encode(
        x=alt.X("count:Q", title=count, axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=0)),
        tooltip=[alt.Tooltip("label:N", title=t("chart_category", lang)), alt.Tooltip("count:Q", title=count)],
    ).properties(height=alt.Step(26))  # 26 px per bar, whatever the number of bars
