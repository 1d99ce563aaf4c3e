"""Web: the community's app in the browser. A backend-for-frontend: it signs people in against the
registry (OpenID Connect, code + PKCE), keeps their tokens on the server, and shows and changes
everything through the four services' HTTP APIs with the person's own access token. It owns no
data of the others — only its sessions."""
from shared.service import Service

NAME = "web"
SERVICE = Service(name=NAME, title="Birlikte web", port=8000, package=__name__)
