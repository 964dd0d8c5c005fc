"""iCalendar feeds: calendar subscriptions and single-event downloads."""
