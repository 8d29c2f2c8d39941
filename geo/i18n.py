"""User-facing text of qtmap, from gettext catalogs, in Vietnamese (default) and English.

The texts live in ``geo/locale/vi/LC_MESSAGES/*.po`` (one catalog file per domain:
``app``, ``cli``, ``validate``, ``export``, ...), which a translator edits with any
PO editor. Each entry is keyed by its ``msgctxt``, the stable name the code asks for;
its ``msgid`` (and ``msgid_plural``) is the English text and its ``msgstr`` the
Vietnamese. Vocabulary labels (sectors, statuses, ...) live in :mod:`geo.schema`.

Plurals follow each language's gettext plural rule (Vietnamese has one form,
English two), chosen by the ``n`` argument; counts and other numbers are written
the way each language writes them (:func:`fmt_number`).

Examples
--------
>>> t("filter_sector", "en")
'Sector'
>>> t("n_projects", "vi", n=3)
'3 dự án'
>>> t("n_projects", "en", n=1), t("n_projects", "en", n=1250)
('1 project', '1,250 projects')
>>> fmt_number(1250.5, "vi"), fmt_number(1250.5, "en")
('1.250,5', '1,250.5')

"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from numbers import Number
from pathlib import Path

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = ["DEFAULT_LANG", "LANGS", "CATALOG_DIR", "Entry", "catalog", "fmt_number", "t"]

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"
CATALOG_DIR = Path(__file__).resolve().parent / "locale" / "vi" / "LC_MESSAGES"

# gettext plural rule per language (Babel's CLDR data), compiled by the standard library: n -> form index.
_PLURAL_INDEX = {lang: gettext.c2py(get_plural(lang).plural_expr) for lang in LANGS}
_FIELD = re.compile(r"{(\w+)")


@dataclass(frozen=True)
class Entry:
    """One catalog entry: the English singular/plural and the Vietnamese forms."""

    key: str
    domain: str
    en: tuple[str, ...]  # (singular,) or (singular, plural)
    vi: tuple[str, ...]  # one form per Vietnamese plural form

    def fields(self) -> set[str]:
        """Placeholder names used by any form (``{n}``, ``{name}``, ...)."""
        return {m for text in self.en + self.vi for m in _FIELD.findall(text)}


@cache
def catalog() -> dict[str, Entry]:
    """Every entry of every catalog file, keyed by ``msgctxt``; a key defined twice is an error."""
    entries: dict[str, Entry] = {}
    for path in sorted(CATALOG_DIR.glob("*.po")):
        with path.open("rb") as fh:
            po = read_po(fh, locale="vi", domain=path.stem)
        for msg in po:
            if not msg.id:
                continue  # the header
            if not msg.context:
                raise ValueError(f"{path.name}: entry {msg.id!r} has no msgctxt (the key the code asks for)")
            if msg.context in entries:
                raise ValueError(f"{path.name}: key {msg.context!r} is also in {entries[msg.context].domain}.po")
            en = tuple(msg.id) if isinstance(msg.id, tuple | list) else (msg.id,)
            vi = tuple(msg.string) if isinstance(msg.string, tuple | list) else (msg.string,)
            entries[msg.context] = Entry(msg.context, path.stem, en, vi)
    return entries


def fmt_number(value: Number, lang: str = DEFAULT_LANG, digits: int | None = None) -> str:
    """Write ``value`` as ``lang`` writes numbers: ``1.250,5`` in Vietnamese, ``1,250.5`` in English.

    ``digits`` fixes the number of decimals (default: as many as the value has, at most 3).

    >>> fmt_number(12500, "vi"), fmt_number(3.14159, "en", digits=2), fmt_number(0.5, "vi")
    ('12.500', '3.14', '0,5')
    """
    pattern = None if digits is None else ("#,##0." + "0" * digits if digits else "#,##0")
    return format_decimal(value, format=pattern, locale="vi" if lang == "vi" else "en")


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    A count passed as ``n`` picks the plural form and, like ``m``, is written with
    :func:`fmt_number`; other values are inserted as given.
    """
    entry = catalog()[key]
    forms = entry.en if lang == "en" else (entry.vi if entry.vi[0] else entry.en)
    text = forms[0]
    if "n" in fmt and len(forms) > 1 and isinstance(fmt["n"], int):
        text = forms[min(_PLURAL_INDEX[lang](abs(fmt["n"])), len(forms) - 1)]
    if not fmt:
        return text
    values = {k: (fmt_number(v, lang) if k in ("n", "m") and isinstance(v, Number) and not isinstance(v, bool)
                  else v) for k, v in fmt.items()}
    return text.format(**values)
