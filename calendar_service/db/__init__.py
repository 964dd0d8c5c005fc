"""Persistence: tables, engine and session setup, migrations."""
