"""Registry: organizations, people, memberships, partnerships and partner API clients."""
from pathlib import Path

NAME = "registry"
MIGRATIONS = Path(__file__).parent / "migrations"
