"""The web application: citizen portal, officer workspace, REST API and CLI."""

from webapp.app import create_app

__all__ = ["create_app"]
