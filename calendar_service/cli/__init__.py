"""cli area."""
