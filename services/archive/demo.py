"""Demo data: what the community published — the "Work Relations in Civil Society" publication
from the civil space discussions, slides from an information session, and STGM's video channel.

Files are small generated PDFs standing in for the real documents. The items are added, their
files attached and published through the same operations as the API's, by the demo loader as a
named system actor. Loading twice changes nothing.
"""
from __future__ import annotations

import io
from datetime import date

from shared import rows
from shared.auth.principal import Principal
from shared.community import demo_id, organization_id
from shared.config import Settings
from shared.db import open_pool
from shared.versions import ANY
from services.archive import NAME
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


def load(settings: Settings) -> dict[str, int]:
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
