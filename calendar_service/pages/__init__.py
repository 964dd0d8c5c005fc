"""Public HTML pages: an event and a calendar, with subscribe and add-to-calendar links."""
