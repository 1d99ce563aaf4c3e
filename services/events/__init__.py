"""Events: the community's program — meetings, discussions, information sessions, thematic
meetings and study visits; series, registrations with a waitlist, topic proposals and votes,
feedback and study-visit placements."""
from pathlib import Path

NAME = "events"
MIGRATIONS = Path(__file__).parent / "migrations"
