"""A notifications sender in a process of its own (the test kills it mid-send)."""
from shared.config import load_settings
from shared.db import open_pool
from services.notifications.operations import emails


def main() -> None:
    settings = load_settings()
    with open_pool(settings, "notifications", min_size=1, max_size=2) as pool:
        emails.send_due(pool, settings)


if __name__ == "__main__":
    main()
