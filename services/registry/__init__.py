"""Registry: organizations, people, memberships, partnerships and partner API clients."""
from shared.service import Service

NAME = "registry"
SERVICE = Service(name=NAME, title="Birlikte registry", port=8001, package=__name__)
