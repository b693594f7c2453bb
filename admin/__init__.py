"""Pages for process designers and administrators (mounted by the web app)."""

from admin.views import bp

__all__ = ["bp"]
