"""Every text of every page reads in Turkish: each catalog has every text its sources use, each
with its Turkish, and the .mo the apps read is compiled from the .po beside it."""
from __future__ import annotations

from shared.cli import catalogs


def test_every_text_of_the_pages_has_its_turkish_and_every_catalog_is_compiled():
    assert catalogs.check() == []


def test_the_check_sees_a_text_the_catalog_lacks(tmp_path, monkeypatch):
    source = tmp_path / "app"
    (source / "templates").mkdir(parents=True)
    (source / "templates" / "page.html").write_text("<p>{{ _('A text nobody translated') }}</p>")
    domain = catalogs.Domain(str(source.relative_to(tmp_path)), (str(source.relative_to(tmp_path)),))
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    monkeypatch.setattr(catalogs, "DOMAINS", (domain,))
    assert catalogs.check() == ["app/translations/tr/LC_MESSAGES/messages.po is missing "
                                "(run `birlikte translations update`)"]
    catalogs.update()
    assert "app/translations/tr/LC_MESSAGES/messages.po: no tr for 'A text nobody translated'" in catalogs.check()
