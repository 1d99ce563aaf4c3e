"""Events: the community's program — meetings, discussions, information sessions, thematic
meetings and study visits; series, registrations with a waitlist, topic proposals and votes,
feedback and study-visit placements."""
from shared.service import Service

NAME = "events"
SERVICE = Service(name=NAME, title="Birlikte events", port=8002, package=__name__)
