"""The pages' Turkish: gettext catalogs (Babel), one per app that has pages, each beside its code.

    birlikte translations update    find every text of the sources, add the new ones to each .po
    birlikte translations compile   write the .mo files the apps read
    birlikte translations check     what is missing or stale (the tests run this)

English is the source language: the texts in the code are English, the catalogs give Turkish.
The .mo files are committed with their .po, so an installed package needs no build step.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("tr",)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHODS = [("**.html", "jinja2"), ("**.py", "python")]  # mail is written per language (templates/mail/<lang>/)
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


@dataclass(frozen=True)
class Domain:
    """The pages of one app: where its sources are, where its catalogs go."""
    name: str
    sources: tuple[str, ...]

    @property
    def directory(self) -> Path:
        return ROOT / self.name / "translations"

    def po(self, language: str) -> Path:
        return self.directory / language / "LC_MESSAGES" / "messages.po"

    def mo(self, language: str) -> Path:
        return self.po(language).with_suffix(".mo")


DOMAINS = (
    Domain("shared/web", ("shared/web",)),
    Domain("services/registry", ("services/registry/api", "services/registry/templates/pages",
                                 "services/registry/operations")),
    Domain("services/web", ("services/web",)),
)


def extract(domain: Domain) -> Catalog:
    catalog = Catalog(project="Birlikte", domain="messages", charset="utf-8")
    for source in domain.sources:
        base = ROOT / source
        for filename, lineno, message, comments, context in extract_from_dir(
                base, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True):
            catalog.add(message, None, [(str(Path(source) / filename), lineno)], auto_comments=comments,
                        context=context)
    return catalog


def update() -> list[str]:
    """Every catalog brought up to its sources; what changed, in words."""
    said = []
    for domain in DOMAINS:
        template = extract(domain)
        for language in LANGUAGES:
            path = domain.po(language)
            if path.exists():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
                catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
            else:
                catalog = Catalog(locale=language, project="Birlikte", charset="utf-8")
                catalog.update(template, no_fuzzy_matching=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)
            missing = _untranslated(catalog)
            said.append(f"{path.relative_to(ROOT)}: {len(catalog)} texts"
                        + (f", {len(missing)} without Turkish" if missing else ""))
    return said


def compile_all() -> list[str]:
    said = []
    for domain in DOMAINS:
        for language in LANGUAGES:
            domain.mo(language).write_bytes(_mo(domain, language))
            said.append(f"{domain.mo(language).relative_to(ROOT)} written")
    return said


def check() -> list[str]:
    """The problems, in words: texts of the sources no catalog has, texts without Turkish, a .mo
    older than its .po. None means every page reads in Turkish."""
    problems = []
    for domain in DOMAINS:
        wanted = {message.id for message in extract(domain) if message.id}
        for language in LANGUAGES:
            path = domain.po(language)
            if not path.exists():
                problems.append(f"{path.relative_to(ROOT)} is missing (run `birlikte translations update`)")
                continue
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            have = {message.id for message in catalog if message.id}
            for missing in sorted(wanted - have, key=str):
                problems.append(f"{path.relative_to(ROOT)}: not in the catalog: {_shown(missing)}")
            for message in _untranslated(catalog):
                if message.id in wanted:
                    problems.append(f"{path.relative_to(ROOT)}: no {language} for {_shown(message.id)}")
            mo = domain.mo(language)
            if not mo.exists() or mo.read_bytes() != _mo(domain, language):
                problems.append(f"{mo.relative_to(ROOT)} is not compiled from its .po "
                                "(run `birlikte translations compile`)")
    return problems


def _mo(domain: Domain, language: str) -> bytes:
    with domain.po(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _untranslated(catalog: Catalog) -> list:
    return [m for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]


def _shown(message_id) -> str:
    return repr(message_id[0] if isinstance(message_id, tuple) else message_id)
