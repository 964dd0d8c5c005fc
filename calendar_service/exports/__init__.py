"""Staff exports: attendee and scholarship lists as CSV, XLSX and JSON."""
