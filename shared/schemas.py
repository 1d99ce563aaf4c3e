"""What the services' HTTP schemas share (marshmallow, no Flask): partial updates, and the checks of
values every service takes alike (patterns, names, countries, time zones)."""
from __future__ import annotations

import functools
import zoneinfo

import babel
from marshmallow import Schema, ValidationError, fields, validate


class Patch(Schema):
    """Any subset of the fields; what is left out stays as it is (no defaults applied). Mix it in
    first: `class PersonPatch(Patch, PersonIn)`."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class Pattern(validate.Regexp):
    """validate.Regexp over the whole value: marshmallow's uses re.match, where `$` also matches
    before a final newline, so "TR\\n" would pass `^[A-Z]{2}$`."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Stripped(fields.String):
    """Text without the spaces around it, checked after they are gone: a name of only spaces is
    empty, and its Length(min=…) refuses it."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


# CLDR's two-letter territories less those ISO 3166-1 does not assign (its exceptionally reserved
# codes, groupings, pseudo-locales and "unknown"). XK (Kosovo) stays: a user-assigned code, but the
# one the EU and CLDR use, and the community has member organizations there to name.
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@functools.cache
def countries() -> frozenset[str]:
    territories = babel.Locale("en").territories
    return frozenset(code for code in territories if len(code) == 2 and code.isalpha()) - _NOT_COUNTRIES


def country(value: str) -> None:
    if value not in countries():
        raise ValidationError("Use an ISO 3166 alpha-2 code, e.g. TR or IE.")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """One of the IANA zones the installed tz database has. Asked of the set, not of ZoneInfo(), which
    opens a file by the name (a 256-character name is an OSError, not a wrong zone)."""
    return name in _zones()


def time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError("Use an IANA time zone, e.g. Europe/Istanbul or Europe/Dublin.")
