"""Demo data: what the community published — the "Work Relations in Civil Society" publication
from the civil space discussions, slides from an information session, STGM's video channel — and
the recordings of its past online sessions, which play in the browser with Turkish and English
captions.

Documents are small generated PDFs standing in for the real ones; every recording plays the one
short clip the project made (media/information_session.webm, by media/make.sh), its captions
naming the session. The items are added, their files attached and published through the same
operations as the API's, by the demo loader as a named system actor. Loading twice changes nothing.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from shared import rows
from shared.auth.principal import Principal
from shared.community import demo_id, information_sessions, organization_id
from shared.config import Settings
from shared.db import open_pool
from shared.versions import ANY
from services.archive import NAME, queries, store
from services.archive.intake import Intake
from services.archive.operations import files, items
from services.archive.storage import Storage, storage_for

STGM, EMEK, KADIN = 0, 2, 3
DEMO = Principal.system("demo")

ITEMS = [
    # key, type, title, description, language, visibility, topics, organizations, event key, url, pages
    ("work_relations", "publication",
     {"tr": "Sivil Toplumda Çalışma İlişkileri", "en": "Work Relations in Civil Society"},
     {"tr": "Sivil Alan Tartışmaları'ndan çıkan yayın: STK'larda işçi hakları ve insan kaynakları yönetimi.",
      "en": "The publication from the Civil Space Discussions: workers' rights and HR management in CSOs."},
     "tr", "public", ["workers_rights", "hr_management"], [STGM, EMEK], "work_relations", None,
     ["Sivil Toplumda Çalışma İlişkileri", "Örgütlerin deneyimleri ve öneriler"]),
    ("leave_slides", "material",
     {"tr": "Adet ve hormon tedavisi izni: sunum", "en": "Menstrual and hormone-therapy leave: slides"},
     {"tr": "Kadın Eşitlik Platformu'nun bilgilendirme oturumu sunumu."}, "tr", "members",
     ["gender_equality", "hr_management"], [KADIN], "leave_policies", None, ["İzin politikaları", "Örnek metinler"]),
    ("stgm_channel", "link", {"tr": "STGM YouTube Kanalı", "en": "STGM YouTube Channel"},
     {"en": "Tutorials, presentations and current discussions on civil society."}, "tr", "public",
     ["civil_society"], [STGM], None, "https://www.youtube.com/@stgm", None),
]

# The recordings of the program's past online sessions, one line each: the event (its key in the
# events demo), its title, the organizations it belongs to, who may watch it, its topics. Each
# plays CLIP, with captions that say which session it is (CUES).
RECORDINGS = [
    ("leave_policies", {"tr": "Adet ve hormon tedavisi izni politikaları",
                        "en": "Menstrual and hormone-therapy leave policies"},
     [KADIN], "public", ["gender_equality", "hr_management"]),
    ("work_relations", {"tr": "Sivil toplumda çalışma ilişkileri", "en": "Work relations in civil society"},
     [STGM, EMEK], "members", ["workers_rights"]),
    # and every information session of shared.community that is past (the seed: recordings shared
    # on the platform for those who could not attend live), for anyone to watch
    *((key, title, [org], "public", topics) for key, day, org, topics, title in information_sessions() if day < 0),
]
MEDIA = Path(__file__).parent / "media"
CLIP = "information_session.webm"  # ten seconds (media/make.sh)
RECORDING_DESCRIPTION = {"tr": "Oturumun kaydı, Türkçe ve İngilizce altyazılı.",
                         "en": "The session's recording, with Turkish and English captions."}
CUES = {  # (from, to seconds, text); {title} is the session's
    "tr": [(0, 3.5, "BİRLİKTE Öğrenme Topluluğu'na hoş geldiniz."), (3.5, 7, "{title}"),
           (7, 10, "Bu kısa görüntü, oturumun kaydının yerini tutuyor.")],
    "en": [(0, 3.5, "Welcome to the BİRLİKTE Learning Community."), (3.5, 7, "{title}"),
           (7, 10, "This short clip stands in for the session's recording.")],
}


def webvtt(title: dict, language: str) -> bytes:
    """The clip's captions in `language`, naming the session."""
    def at(seconds: float) -> str:
        return f"00:00:{int(seconds):02d}.{int(seconds * 1000) % 1000:03d}"
    named = title.get(language) or next(iter(title.values()))
    cues = [f"{n}\n{at(start)} --> {at(end)}\n{text.format(title=named)}\n"
            for n, (start, end, text) in enumerate(CUES[language], start=1)]
    return ("WEBVTT\n\n" + "\n".join(cues)).encode()


def _pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a few lines of (ASCII-folded) text."""
    text = " ".join(lines).encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def load(settings: Settings, recordings: list[tuple] = RECORDINGS) -> dict[str, int]:
    """Add what is missing through the same operations as the API's (its messages go out as for
    any change); how many items were new."""
    counts = {"items": 0}
    storage = storage_for(settings)
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cur:
            for entry in ITEMS:
                if rows.get(cur, "items", demo_id("archive", entry[0])) is None:
                    _add(cur, storage, settings.archive_max_upload_bytes, entry)
                    counts["items"] += 1
            for entry in recordings:
                counts["items"] += _recording(cur, storage, settings.archive_max_upload_bytes, *entry)
    return counts


def _add(cur, storage: Storage, limit: int, entry: tuple) -> None:
    key, kind, title, description, language, visibility, topics, orgs, event, url, pages = entry
    item = items.create(cur, DEMO, {
        "id": demo_id("archive", key), "type": kind, "title": title, "description": description,
        "language": language, "published_on": date.today(), "topics": topics,
        "event_ids": [demo_id("event", event)] if event else [], "organization_ids": [organization_id(o) for o in orgs],
        "license": "CC-BY-4.0", "external_url": url, "visibility": visibility})
    if pages:
        file_key, body = f"demo/{item['id']}.pdf", Intake(io.BytesIO(_pdf(pages)), limit)
        storage.save(file_key, body)
        files.attach(cur, DEMO, item["id"], body.received(file_key, name=f"{key}.pdf"), ANY)
    items.publish(cur, DEMO, item["id"], ANY)


def _recording(cur, storage: Storage, limit: int, event_key: str, title: dict, orgs: list, visibility: str,
               topics: list) -> int:
    """The event's recording, with its clip and captions, published: 1 if it was made now."""
    event_id = demo_id("event", event_key)
    store.lock_event_recordings(cur, event_id)
    found = queries.event_recording(cur, event_id)
    if found is not None and found["file_key"]:
        return 0
    values = {"type": "recording", "media": "video", "title": title, "description": RECORDING_DESCRIPTION,
              "language": "tr", "topics": topics, "event_ids": [event_id], "visibility": visibility,
              "organization_ids": [organization_id(o) for o in orgs], "license": "CC-BY-4.0"}
    if found is None:
        item = items.create(cur, DEMO, {"id": demo_id("archive", "recording", event_key), **values})
    else:  # the draft the event's completion left, when the archive heard of it before the demo ran
        item = items.change(cur, DEMO, found["id"], values, ANY)
    with open(MEDIA / CLIP, "rb") as clip:
        body = Intake(clip, limit)
        storage.save(f"demo/{item['id']}.webm", body)
    files.attach(cur, DEMO, item["id"], body.received(f"demo/{item['id']}.webm", name=f"{event_key}.webm"), ANY)
    for language in CUES:
        captions = Intake(io.BytesIO(webvtt(title, language)), limit)
        storage.save(f"demo/{item['id']}.{language}.vtt", captions)
        files.attach_captions(cur, DEMO, item["id"], language,
                              captions.received(f"demo/{item['id']}.{language}.vtt", name=f"{language}.vtt"))
    items.publish(cur, DEMO, item["id"], ANY)
    return 1
