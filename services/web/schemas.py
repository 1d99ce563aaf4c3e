"""The web app's forms, read from what the browser posts (the services validate again)."""
