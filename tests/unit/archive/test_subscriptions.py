"""What the archive consumes, wired by exact type: an online event's completion also drafts its
recording, its cancellation drops the draft; everything else is copied."""
from shared.bus.consumer import check_subscriptions
from shared.config import load_settings
from services.archive import subscriptions as wiring


def test_each_event_action_has_its_own_handlers_and_every_type_a_contract():
    subscribed = wiring.subscriptions(load_settings({}))
    check_subscriptions("archive", subscribed)
    assert subscribed["events.event.completed"] == [wiring.copy_event, wiring.draft_recording]
    assert subscribed["events.event.cancelled"] == [wiring.copy_event, wiring.drop_draft_recording]
    assert subscribed["events.event.rescheduled"] == [wiring.copy_event]
    assert subscribed["registry.person.updated"] == [wiring.copy_person]
    assert subscribed["events.registration.cancelled"] == [wiring.copy_registration]
