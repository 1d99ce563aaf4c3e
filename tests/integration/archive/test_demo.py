"""The archive demo: the community's publication, slides and channel, downloadable, loadable twice."""
from shared.community import demo_id
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
