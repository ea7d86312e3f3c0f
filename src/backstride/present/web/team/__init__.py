"""The team server: a FastAPI app of its own (JSON API under /api/v1 and the web pages)."""

from backstride.present.web.team.app import create_team_app

__all__ = ["create_team_app"]
