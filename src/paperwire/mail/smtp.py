"""Sending over SMTP (smtplib) with the settings' host, port, security and login.

Failures come back classified, message kept: ``TemporaryMailError`` (the server could not be
reached, or answered 4xx: try again later) or ``PermanentMailError`` (5xx, a refused login,
a server without STARTTLS: retrying will not help). The digest outbox retries temporary ones.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from paperwire.config import ConfigError, Settings

SECURITY = ("starttls", "ssl", "none")


class MailError(RuntimeError):
    """A message that was not sent, with the server's answer or the connection's error."""

    temporary = False


class TemporaryMailError(MailError):
    temporary = True


class PermanentMailError(MailError):
    pass


def mail_enabled(settings: Settings) -> bool:
    """Whether this site sends mail at all (an ``smtp_host`` is set)."""
    return bool(settings.smtp_host)


def send(settings: Settings, message: EmailMessage) -> None:
    """Send ``message`` to its recipients, or raise a MailError saying why not."""
    if not mail_enabled(settings):
        raise ConfigError("no mail can be sent: set smtp_host (and smtp_port, smtp_security) in paperwire.toml")
    if settings.smtp_security not in SECURITY:
        raise ConfigError(
            f"setting smtp_security: expected one of {', '.join(SECURITY)}, got {settings.smtp_security!r}"
        )
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with _connect(settings) as server:
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password)
            server.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        answers = list(error.recipients.values())  # {address: (code, text)}
        temporary = all(400 <= code < 500 for code, _ in answers)
        raise _classified(temporary, where, "; ".join(_answer(code, text) for code, text in answers)) from None
    except smtplib.SMTPResponseException as error:  # a coded answer: login, sender, data
        raise _classified(400 <= error.smtp_code < 500, where, _answer(error.smtp_code, error.smtp_error)) from None
    except smtplib.SMTPNotSupportedError as error:
        raise PermanentMailError(f"{where}: {error} (check smtp_security)") from None
    except ssl.SSLCertVerificationError as error:
        untrusted = f"{where}: the server's TLS certificate is not trusted: {error.verify_message}"
        raise PermanentMailError(untrusted) from None
    except (smtplib.SMTPException, OSError) as error:  # refused, reset, timed out, unknown host
        raise TemporaryMailError(f"{where}: {error or type(error).__name__}") from None


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_s
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    server = smtplib.SMTP(host, port, timeout=timeout)
    if settings.smtp_security == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server


def _classified(temporary: bool, where: str, answer: str) -> MailError:
    return (TemporaryMailError if temporary else PermanentMailError)(f"{where} answered {answer}")


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
