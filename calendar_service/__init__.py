"""calendar-service: events with real time zones, feeds, registrations, scholarships."""

__version__ = "0.1.0"
