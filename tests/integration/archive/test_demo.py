"""The archive demo: the community's publication, slides and channel, downloadable, and the
recordings of its past online sessions with Turkish and English captions; loadable twice."""
import uuid

from shared.community import demo_id, information_sessions
from services.archive import demo


def test_demo_items_load_once_and_the_publication_downloads(archive_settings, client):
    demo.load(archive_settings)
    assert demo.load(archive_settings) == {"items": 0}
    publication = client.get(f"/items/{demo_id('archive', 'work_relations')}").get_json()
    assert publication["title"]["en"] == "Work Relations in Civil Society" and publication["file"]["content_type"] == "application/pdf"
    download = client.get(f"/items/{publication['id']}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-1.4")
    found = client.get("/items?q=çalışma ilişkilerinin").get_json()["items"]
    assert publication["id"] in [i["id"] for i in found]


def test_the_demo_recordings_play_with_captions_naming_their_session(archive_settings, client):
    demo.load(archive_settings)
    recording = client.get(f"/items?event_id={demo_id('event', 'leave_policies')}&type=recording").get_json()["items"]
    assert len(recording) == 1, recording
    [recording] = recording
    assert recording["status"] == "published" and recording["visibility"] == "public"
    assert recording["file"]["content_type"] == "video/webm" and recording["captions"] == ["en", "tr"]
    clip = client.get(f"/items/{recording['id']}/file", headers={"Range": "bytes=0-3"})
    assert clip.status_code == 206 and clip.data == b"\x1a\x45\xdf\xa3"  # the EBML header WebM starts with
    english = client.get(f"/items/{recording['id']}/captions/en").data.decode()
    assert english.startswith("WEBVTT") and "Menstrual and hormone-therapy leave policies" in english
    assert "Adet ve hormon tedavisi izni politikaları" in client.get(f"/items/{recording['id']}/captions/tr").data.decode()


def test_the_demo_fills_the_draft_an_event_left_rather_than_adding_a_second_recording(archive_settings, client,
                                                                                      feed, tokens):
    key = f"session-{uuid.uuid4().hex[:8]}"
    event_id = str(demo_id("event", key))
    feed.event(str(uuid.uuid4()), "completed", id=event_id, status="completed")  # heard of before the demo ran
    [draft] = client.get(f"/items?event_id={event_id}", headers=tokens.coordinator()).get_json()["items"]
    recordings = [(key, {"tr": "Gönüllü yönetimi", "en": "Volunteer management"}, [0], "members", ["civil_society"])]
    assert demo.load(archive_settings, recordings)["items"] == 1
    assert demo.load(archive_settings, recordings) == {"items": 0}
    [filled] = client.get(f"/items?event_id={event_id}", headers=tokens.coordinator()).get_json()["items"]
    assert filled["id"] == draft["id"] and filled["status"] == "published"
    assert filled["title"] == {"tr": "Gönüllü yönetimi", "en": "Volunteer management"}
    assert filled["file"]["content_type"] == "video/webm" and filled["captions"] == ["en", "tr"]


def test_every_past_information_session_has_its_recording_in_both_languages(archive_settings, client):
    demo.load(archive_settings)
    past = [(key, title) for key, day, _org, _topics, title in information_sessions() if day < 0]
    assert len(past) == 10
    for key, title in past:
        [recording] = client.get(f"/items?event_id={demo_id('event', key)}&type=recording").get_json()["items"]
        assert recording["status"] == "published" and recording["file"]["content_type"] == "video/webm", key
        assert recording["captions"] == ["en", "tr"], key
        assert title["tr"] in client.get(f"/items/{recording['id']}/captions/tr").data.decode()
