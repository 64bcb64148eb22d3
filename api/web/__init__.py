"""The phone-first chat page: one server-rendered HTML page, a small stylesheet and script."""

from api.web.routes import mount, router

__all__ = ["mount", "router"]
