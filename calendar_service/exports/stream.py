"""What an export hands to the HTTP layer or the command line: a filename, a media type and the bytes."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from calendar_service.domain.exports import content_disposition

FORMATS = {
    "csv": "text/csv",  # Litestar adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass(frozen=True, slots=True)
class ExportStream:
    filename: str
    media_type: str
    rows: int
    chunks: AsyncIterator[bytes]

    @property
    def disposition(self) -> str:
        """RFC 6266 attachment header with an ASCII fallback and the exact UTF-8 name."""
        return content_disposition(self.filename)
