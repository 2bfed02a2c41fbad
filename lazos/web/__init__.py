"""The REST API (``lazos serve``): lazos.web.app.create_app builds it over the Python API."""

from lazos.web.app import create_app

__all__ = ["create_app"]
