"""Bearer tokens (JWT): issued by the registry or an external OIDC provider, verified everywhere."""
