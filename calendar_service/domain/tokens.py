"""Secret links and bearer tokens: 256-bit random values, of which only a SHA-256 is stored.

A fast hash is enough (no password stretching): the values are random, not chosen by people.
Registration links, scholarship links and staff tokens all use these two functions.
"""

import hashlib
import secrets


def new_token() -> str:
    """A fresh secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What is stored and looked up instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
