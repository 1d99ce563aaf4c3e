"""Development only: the emails the local mail catcher holds (`birlikte up` keeps each as an .eml
file in the folder BIRLIKTE_DEV_MAIL_DIR names), newest first, each readable here — so that a
newcomer signs in with the emailed code without any mail client. Without that setting these pages
do not exist (404): never in production. Everything shown of an email is escaped."""
from __future__ import annotations

import email.policy
import re
from datetime import datetime, timezone
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

from flask import Blueprint, abort, render_template

from shared.http import current
from services.web import times
from services.web.api.inbox import linked
from services.web.api.program import language, reader_zone

blueprint = Blueprint("mail", __name__)
SHOWN = 100  # the newest; a catcher left running for weeks holds thousands
NAME = re.compile(r"[0-9A-Za-z_-]{1,64}\.eml")  # as the catcher names them: no path of any other file matches


def _folder() -> Path:
    return Path(current.settings().dev_mail_dir)


def _caught_at(path: Path) -> str:
    return times.moment(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(), reader_zone(),
                        language())


def index():
    newest = sorted(_folder().glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:SHOWN]
    mails = []
    for path in newest:
        with path.open("rb") as file:
            headers = BytesHeaderParser(policy=email.policy.default).parse(file)
        mails.append({"name": path.name, "to": str(headers["To"] or ""), "subject": str(headers["Subject"] or ""),
                      "caught": _caught_at(path)})
    return render_template("mail/index.html", mails=mails, folder=str(_folder()))


def message(name: str):
    path = _folder() / name
    if not NAME.fullmatch(name) or not path.is_file():
        abort(404)
    with path.open("rb") as file:
        parsed = BytesParser(policy=email.policy.default).parse(file)
    plain = parsed.get_body(preferencelist=("plain",))
    return render_template("mail/message.html", mail=parsed, caught=_caught_at(path), linked=linked,
                           text=plain.get_content() if plain is not None else None)


def _install(state) -> None:
    """The pages exist only where the mail catcher's folder is configured."""
    if state.app.extensions["birlikte"]["settings"].dev_mail_dir:
        state.add_url_rule("/dev/mail", "index", index)
        state.add_url_rule("/dev/mail/<name>", "message", message)


blueprint.record(_install)
