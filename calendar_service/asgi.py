"""The ASGI application for servers: `uvicorn calendar_service.asgi:app`."""

from calendar_service.app import create_app

app = create_app()
