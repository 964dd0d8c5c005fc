"""Pure domain logic: stdlib, pytz, dateutil and icalendar only.

Nothing here touches a database, HTTP or the clock: `now` is a parameter.
"""
