"""Import events from other organisations' iCalendar files: map what maps, report what does not.

`parse_ics` turns an .ics file (Google, Outlook/Exchange, Apple, Thunderbird,
…) into bodies for our own API (`POST /api/events`, then
`PUT /api/events/{slug}/occurrences/{original_local_start}` per override),
each checked by the same domain gate the API uses. Pure: no I/O, no clock;
fetching a URL belongs to the caller.
"""

from calendar_service.domain.ics_import.plan import ImportedEvent, ImportIssue, ImportPlan
from calendar_service.domain.ics_import.reader import parse_ics
from calendar_service.domain.ics_import.windows_zones import WINDOWS_ZONES
from calendar_service.domain.ics_import.zones import ZoneResolver, same_offsets

__all__ = ["WINDOWS_ZONES", "ImportIssue", "ImportPlan", "ImportedEvent", "ZoneResolver", "parse_ics", "same_offsets"]
