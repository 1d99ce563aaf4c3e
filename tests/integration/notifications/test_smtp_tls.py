"""Email through a mail server that insists on STARTTLS and a login, as real relays do."""
from __future__ import annotations

import datetime
import ipaddress
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.notifications.operations import emails
from tests.support.notifications import notifications_of
from tests.support.smtp import Mailbox, free_port


def self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp.pem", directory / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_mail_goes_through_starttls_with_a_login(bus, mail_settings, notifications_pool, tmp_path):
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"birlikte", b"s3cret")
        logins.append(ok)
        return AuthResult(success=ok)

    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost",
                            tls_context=context, require_starttls=True,
                            auth_required=True, auth_require_tls=True, authenticator=authenticate)
    controller.start()
    try:
        emails.send_due(notifications_pool, mail_settings)  # what other tests left goes to their server first
        person = bus.person(language="en")
        bus.registration(bus.event(), person)
        wrong = mail_settings.replace(smtp_port=port, smtp_starttls=True, smtp_ca_file=str(cert),
                                      smtp_username="birlikte", smtp_password="wrong",
                                      smtp_timeout_seconds=2.0)  # smtplib tries a second mechanism that hangs
        assert emails.send_due(notifications_pool, wrong) == 0  # refused login: kept for a retry
        [email] = notifications_of(notifications_pool, person["id"], "email")
        assert email["status"] == "pending"
        with notifications_pool.connection() as conn:
            conn.execute("UPDATE notifications SET next_attempt_at = now() WHERE id = %s", (email["id"],))
        right = wrong.replace(smtp_password="s3cret")
        assert emails.send_due(notifications_pool, right) >= 1
        assert len(mailbox.wait_for(person["email"])) == 1 and logins[-1] is True
    finally:
        controller.stop()
