"""The text catalogs: complete, consistent with the code, plural- and number-correct."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.i18n import CATALOG_DIR, LANGS, catalog, fmt_number, t

ROOT = Path(__file__).resolve().parent.parent
# t("key", ...) calls with a literal key, anywhere in the first-party code.
CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")


def _code_files():
    for top in ("app.py", "geo", "layers"):
        path = ROOT / top
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_catalog_files_are_gettext_po_with_a_vietnamese_plural_rule():
    files = sorted(CATALOG_DIR.glob("*.po"))
    assert files, "no catalogs found"
    for path in files:
        head = path.read_text(encoding="utf-8")[:1500]
        assert '"Language: vi\\n"' in head, path.name
        assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in head, path.name


def test_every_entry_is_translated_and_keeps_its_placeholders():
    for entry in catalog().values():
        assert all(entry.vi), f"{entry.domain}.po: {entry.key} has no Vietnamese text"
        en_fields = {m for text in entry.en for m in re.findall(r"{(\w+)", text)}
        vi_fields = {m for text in entry.vi for m in re.findall(r"{(\w+)", text)}
        assert en_fields == vi_fields, f"{entry.domain}.po: {entry.key}: {en_fields} != {vi_fields}"


def test_every_key_the_code_asks_for_exists():
    asked = {(path.relative_to(ROOT), key) for path in _code_files()
             for key in CALL.findall(path.read_text(encoding="utf-8"))}
    assert len(asked) > 50  # the pattern finds the calls
    missing = sorted(f"{path}: {key}" for path, key in asked if key not in catalog())
    assert not missing, missing


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("en", 1, "1 project"), ("en", 2, "2 projects"), ("en", 0, "0 projects"), ("en", 12500, "12,500 projects"),
    ("vi", 1, "1 dự án"), ("vi", 2, "2 dự án"), ("vi", 12500, "12.500 dự án"),
])
def test_plural_forms_and_counts(lang, n, expected):
    assert t("n_projects", lang, n=n) == expected


@pytest.mark.parametrize(("value", "digits", "vi", "en"), [
    (1250.5, None, "1.250,5", "1,250.5"), (1250.5, 0, "1.250", "1,250"), (0.25, 2, "0,25", "0.25"),
    (-3, None, "-3", "-3"), (1_000_000, None, "1.000.000", "1,000,000"),
])
def test_numbers_as_each_language_writes_them(value, digits, vi, en):
    assert (fmt_number(value, "vi", digits), fmt_number(value, "en", digits)) == (vi, en)


def test_languages_differ_where_they_should():
    assert LANGS == ("vi", "en")
    assert t("filter_sector", "vi") == "Ngành" and t("filter_sector", "en") == "Sector"
