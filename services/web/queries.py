"""What the web app reads of its own: nothing beyond its sessions (operations/sessions.py)."""
