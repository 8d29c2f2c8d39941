"""An extra layer: a file the user uploaded and drew beside the register, carried into every view and export.

One :class:`ExtraLayer` (its name, kind and records) goes to the map's legend and caption
(``layers``), the statistics, the report sheet (:class:`geo.export.ExportOptions` ``extra``),
the standalone HTML page and the data downloads (:func:`geo.dataexport.write_data` ``extra``).
Its records are counted by one category per kind (:data:`CATEGORY`): projects by sector,
ports and border gates by facility; the other kinds as a single count. Filters do not
apply to it: it is drawn as it was uploaded (its usable records).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({"id": ["a", "b", "c"], "sector": ["water", "water", None]},
...                        geometry=[Point(107.1, 16.8), Point(107.2, 16.7), None], crs="EPSG:4326")
>>> extra = ExtraLayer("Dự án mới.xlsx", "project", gdf)
>>> extra.n_located, extra.layer_id
(2, 'uploaded_du_an_moi')
>>> extra.counts("en").to_dict("records")
[{'code': 'water', 'label': 'Water supply', 'count': 2}]
>>> extra.caption("en")
'Uploaded: Dự án mới.xlsx: 2 located of 3'

"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd

import geopandas as gpd

from geo.i18n import t
from geo.records import in_wgs84, located
from geo.schema import KINDS, fold
from geo.stats import count_by

__all__ = ["CATEGORY", "LAYER_ID_MAX", "ExtraLayer", "extra_layers"]

# The vocabulary an extra layer of each kind is counted by in the legend, the statistics and the sheet legend.
CATEGORY: dict[str, str] = {"project": "sector", "infrastructure": "facility"}
LAYER_ID_MAX = 31  # an XLSX sheet name holds at most 31 characters; GeoPackage layer names follow it


@dataclass(frozen=True, eq=False)
class ExtraLayer:
    """A layer the user uploaded: its file name (as the user named it), its kind and its usable records."""

    name: str
    kind: str
    data: gpd.GeoDataFrame

    def __post_init__(self) -> None:
        """Reject an unknown kind; keep the records in WGS 84 (a file without CRS is taken as lon/lat)."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown layer kind {self.kind!r}: use one of {', '.join(KINDS)}")
        object.__setattr__(self, "data", in_wgs84(self.data))

    @property
    def category(self) -> str | None:
        """The vocabulary its records are counted by, or None (one count for the whole layer)."""
        return CATEGORY.get(self.kind)

    @property
    def located(self) -> gpd.GeoDataFrame:
        """The records with a geometry (what is drawn)."""
        return self.data[located(self.data)]

    @property
    def n_located(self) -> int:
        """Number of records drawn."""
        return int(located(self.data).sum())

    @property
    def layer_id(self) -> str:
        """A plain name for its GeoPackage layer, XLSX sheet and the ``layer`` column: ``uploaded_<file stem>``."""
        stem = re.sub(r"[^a-z0-9]+", "_", fold(PurePath(self.name).stem)).strip("_") or self.kind
        return f"uploaded_{stem}"[:LAYER_ID_MAX].rstrip("_")

    def title(self, lang: str) -> str:
        """Its name in the layer control, legend, caption and sheet: "Uploaded: file.xlsx" in ``lang``."""
        return t("layer_uploaded", lang, name=self.name)

    def counts(self, lang: str) -> pd.DataFrame:
        """Located records per category (code, label, count), in vocabulary order; one row for the layer if none."""
        shown = self.located
        vocab = self.category
        if vocab is None or vocab not in shown.columns:
            rows = [{"code": self.kind, "label": KINDS[self.kind].label(lang), "count": len(shown)}] if len(shown) \
                else []
            return pd.DataFrame(rows, columns=["code", "label", "count"])
        table = count_by(shown, vocab, lang)
        missing = int(shown[vocab].isna().sum())
        if missing:
            table.loc[len(table)] = {"code": "", "label": t("extra_no_category", lang, field=label_of(vocab, lang)),
                                     "count": missing}
        return table

    def caption(self, lang: str) -> str:
        """One line for the map caption: its title and how many of its records are drawn."""
        return t("extra_caption", lang, title=self.title(lang), n=self.n_located, m=len(self.data))


def label_of(vocab: str, lang: str) -> str:
    """The name of a vocabulary field in ``lang`` ("Ngành" for sector)."""
    return t(f"field_{vocab}", lang)


def extra_layers(extra: ExtraLayer | Sequence[ExtraLayer] | None) -> tuple[ExtraLayer, ...]:
    """``extra`` as a tuple (None, one layer or several)."""
    if extra is None:
        return ()
    if isinstance(extra, ExtraLayer):
        return (extra,)
    return tuple(extra)

