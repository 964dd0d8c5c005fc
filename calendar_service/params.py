"""HTTP parameter types the controllers share.

Row ids are bounded where they enter: an id beyond the database's 64-bit
integers made the drivers raise (SQLite: OverflowError) and the request a
500. The bound is 2**53 - 1, the largest integer a JSON client in JavaScript
holds exactly (and exact as the float Litestar's constraint compares with);
our ids are far below it.
"""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

MAX_ID = 2**53 - 1

RowId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
RowIdQuery = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
RowIdItem = Annotated[int, Meta(ge=1, le=MAX_ID)]
