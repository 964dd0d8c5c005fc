"""Registrations: places at events, capacity, waitlist, cancellation."""
