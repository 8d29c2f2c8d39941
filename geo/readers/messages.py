"""What the readers say: a catalog key plus its values, written in the user's language only when shown.

Readers do not know the user's language; they return :class:`Message` objects
(keys of ``geo/locale/vi/LC_MESSAGES/readers.po``) and the validator, CLI or app
writes them with :meth:`Message.text` in the interface language. ``str()`` of a
message (and of a :class:`ReadError`) is the English text.

Examples
--------
>>> Message("rd_empty").text("vi")
'tệp trống: hãy xuất bảng có một dòng tiêu đề và mỗi bản ghi một dòng'
>>> str(ReadError("rd_file_not_found"))
'file not found: check the path'

"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.i18n import t

__all__ = ["Message", "ReadError", "text_of"]


@dataclass(frozen=True)
class Message:
    """A reader's remark or problem: catalog ``key`` and the values its text needs."""

    key: str
    values: dict[str, object] = field(default_factory=dict, hash=False, compare=True)

    def text(self, lang: str, control: str = "cli") -> str:
        """Return the message written in ``lang`` ("vi" or "en").

        ``control`` names where the user gives a CRS: "cli" (``--crs``) or "app" (the CRS box).
        """
        return t(self.key, lang, **{"control": t(f"rd_control_{control}", lang), **self.values})

    def __str__(self) -> str:
        return self.text("en")


class ReadError(ValueError):
    """A file that cannot be read; the message says what went wrong and what to do (see :meth:`text`)."""

    def __init__(self, key: str, **values: object) -> None:
        self.message = Message(key, values)
        super().__init__(self.message.text("en"))

    def text(self, lang: str, control: str = "cli") -> str:
        """Return the message written in ``lang``."""
        return self.message.text(lang, control)


def text_of(message: object, lang: str, control: str = "cli") -> str:
    """Write a reader's :class:`Message` (or a plain string, as given) in ``lang``."""
    return message.text(lang, control) if isinstance(message, Message | ReadError) else str(message)
