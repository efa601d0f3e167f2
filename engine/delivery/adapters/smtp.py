"""Email over SMTP: the owner's own mailbox or a sending service, SSL or STARTTLS, with a login.

One connection serves a whole delivery pass (`end_batch` closes it); a connection the server closed
while idle is opened again before anything is sent. Each email has plain and HTML parts, UTF-8 headers
(Korean names and subjects), the shop as sender, a Message-ID made from the outbox key (kept as the
provider id) and, on ads, a `List-Unsubscribe` mailto.

What goes wrong, and what delivery then does:
- the server cannot be reached, times out, refuses the login, or answers 4xx (try later): transient,
  the message is queued again with a backoff;
- the server answers 5xx to the sender, the recipient or the text: permanent, the message is failed
  with the server's reason in plain Korean (addresses taken out);
- the connection drops after the whole message went out and before the server's answer: the server may
  have it, so it is *held* for the owner's review (never sent twice on a guess).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache

from engine.delivery.adapters.base import OutgoingMessage, SendError, SendResult
from engine.messaging.adlaw import EMAIL_FOOTER_RULE

SECURITY_TEXT = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": "암호화 없음"}
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    user: str = ""
    password: str = ""
    sender: str = ""  # the From address
    sender_name: str = ""  # the shop's name, shown as the sender
    reply_to: str = ""  # the shop's own address, when it is not the sender
    unsubscribe: str = ""  # where an ad's List-Unsubscribe mail goes
    timeout: float = 30.0

    def where(self) -> str:
        return f"{self.host}:{self.port} ({SECURITY_TEXT.get(self.security, self.security)})"


class _Stale(Exception):
    """A reused connection turned out closed before anything of this message was sent."""


@lru_cache(maxsize=1)
def _helo_name() -> str:
    return socket.getfqdn() or "localhost"


def _scrub(reply: bytes | str) -> str:
    """A server's reply, short, without the addresses it may repeat."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return _ADDRESS.sub("<주소>", " ".join(text.split()))[:200]


def html_part(body: str) -> str:
    """The HTML twin of a plain body: escaped, links made clickable, the ad footer set apart."""

    def block(text: str) -> str:
        escaped = html.escape(text.strip("\n"))
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        return linked.replace("\n", "<br>\n")

    text, rule, foot = body.partition(EMAIL_FOOTER_RULE)
    parts = [f'<div style="font-size:15px;line-height:1.6">{block(text)}</div>']
    if rule:
        parts.append('<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">'
                     f'<div style="font-size:12px;color:#666;line-height:1.5">{block(foot)}</div>')
    return ('<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"></head>\n'
            '<body style="font-family:\'Malgun Gothic\',\'Apple SD Gothic Neo\',sans-serif;color:#222">\n'
            + "\n".join(parts) + "\n</body></html>\n")


def message_id(idem_key: str, sender: str) -> str:
    """The Message-ID of the email for an outbox key: the same at every try (a receiver may drop a repeat)."""
    digest = hashlib.sha256(idem_key.encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "dangol.invalid"
    return f"<{digest}.dangol@{domain}>"


class SmtpChannel:
    def __init__(self, settings: SmtpSettings, *, now: Callable[[], datetime] | None = None,
                 context: ssl.SSLContext | None = None) -> None:
        if not settings.host:
            raise ValueError("smtp.host is empty")
        if not settings.sender:
            raise ValueError("no sender address (email.from or shop.email)")
        self.settings = settings
        self.now = now or (lambda: datetime.now(UTC))
        self.context = context
        self._conn: smtplib.SMTP | None = None

    # --- the email ---------------------------------------------------------------------------------

    def build(self, message: OutgoingMessage) -> EmailMessage:
        s = self.settings
        email = EmailMessage()
        try:
            email["Subject"] = " ".join(message.subject.split())
            email["From"] = Address(display_name=s.sender_name, addr_spec=s.sender)
            email["To"] = message.recipient.strip()
            if s.reply_to and s.reply_to != s.sender:
                email["Reply-To"] = s.reply_to
        except (ValueError, IndexError):
            raise SendError("bad_address", "받는 사람 이메일 주소의 형식이 잘못되었습니다", permanent=True) from None
        email["Date"] = format_datetime(self.now().astimezone(UTC))
        email["Message-ID"] = message_id(message.idem_key, s.sender)
        if message.is_ad:
            email["List-Unsubscribe"] = f"<mailto:{s.unsubscribe or s.sender}?subject=unsubscribe>"
        email.set_content(message.body, charset="utf-8")
        email.add_alternative(html_part(message.body), subtype="html", charset="utf-8")
        return email

    # --- the connection ----------------------------------------------------------------------------

    def _context(self) -> ssl.SSLContext:
        return self.context or ssl.create_default_context()

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(s.host, s.port, local_hostname=_helo_name(), timeout=s.timeout,
                                        context=self._context())
            else:
                conn = smtplib.SMTP(s.host, s.port, local_hostname=_helo_name(), timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise SendError("smtp_no_tls", f"SMTP 서버 {s.where()}가 STARTTLS를 지원하지 않습니다. 보안 설정을 "
                                    "확인하세요")
                conn.starttls(context=self._context())
                conn.ehlo()
            if s.user:
                conn.login(s.user, s.password)
        except SendError:
            _quietly_close(conn)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(conn)
            raise SendError("smtp_login", f"SMTP 서버가 로그인을 거절했습니다 ({exc.smtp_code}). 사용자 이름과 "
                            "비밀번호(앱 비밀번호)를 확인하세요") from None
        except smtplib.SMTPNotSupportedError:
            _quietly_close(conn)
            raise SendError("smtp_login", f"SMTP 서버 {s.where()}가 로그인을 지원하지 않습니다. 보안 설정(STARTTLS/SSL)을 "
                            "확인하세요") from None
        except ssl.SSLCertVerificationError:
            _quietly_close(conn)
            raise SendError("smtp_certificate", f"SMTP 서버 {s.host}의 인증서를 확인할 수 없습니다") from None
        except ssl.SSLError:
            _quietly_close(conn)
            raise SendError("smtp_tls", f"SMTP 서버 {s.where()}와 암호화 연결을 맺지 못했습니다. 포트와 보안 설정을 "
                            "확인하세요") from None
        except (smtplib.SMTPException, OSError) as exc:
            _quietly_close(conn)
            if _timed_out(exc):
                raise SendError("timeout", f"SMTP 서버 {s.where()}가 제때 응답하지 않습니다") from None
            raise SendError("smtp_unreachable", f"SMTP 서버 {s.where()}에 연결할 수 없습니다 "
                            f"({type(exc).__name__})") from None
        return conn

    def check(self) -> None:
        """Connect and log in (nothing is sent); SendError says what went wrong."""
        conn = self._open()
        _quietly_close(conn, quit=True)

    def end_batch(self) -> None:
        """The delivery pass is over: close the connection (the next pass opens a new one)."""
        conn, self._conn = self._conn, None
        _quietly_close(conn, quit=True)

    close = end_batch

    # --- sending -------------------------------------------------------------------------------------

    def send(self, message: OutgoingMessage) -> SendResult:
        payload = self.build(message).as_bytes(policy=policy.SMTP)
        provider_id = message_id(message.idem_key, self.settings.sender)
        for _ in range(2):
            fresh = self._conn is None
            if self._conn is None:
                self._conn = self._open()
            try:
                self._transact(self._conn, message.recipient.strip(), payload, fresh)
            except _Stale:  # closed by the server while idle: nothing went out, open a new one
                self._drop()
                continue
            return SendResult(provider_id)
        raise SendError("smtp_dropped", "SMTP 서버가 연결을 끊었습니다. 나중에 다시 보냅니다")

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        _quietly_close(conn)

    def _refused(self, conn: smtplib.SMTP, code: int, reply: bytes, what: str) -> SendError:
        """The server said no to the sender, the recipient or the text: 5xx for good, 4xx for now."""
        try:
            conn.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()
        detail = f"{code} {_scrub(reply)}".strip()
        if 500 <= code < 600:
            text = {"sender": "받는 메일 서버가 보내는 사람 주소를 거절했습니다",
                    "recipient": "받는 메일 서버가 받는 사람 주소를 거절했습니다 (없는 주소일 수 있습니다)",
                    "data": "메일 서버가 이 메일을 거절했습니다"}[what]
            return SendError("smtp_refused", f"{text}: {detail}", permanent=True)
        return SendError("smtp_busy", f"메일 서버가 지금은 받지 않습니다. 나중에 다시 보냅니다: {detail}")

    def _transact(self, conn: smtplib.SMTP, recipient: str, payload: bytes, fresh: bool) -> None:
        try:
            code, reply = conn.mail(self.settings.sender)
            if code == 421 and not fresh:
                raise _Stale
            if code != 250:
                raise self._refused(conn, code, reply, "sender")
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                raise self._refused(conn, code, reply, "recipient")
            code, reply = conn.docmd("DATA")
            if code != 354:
                raise self._refused(conn, code, reply, "data")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            if not fresh:
                raise _Stale from None
            if _timed_out(exc):
                raise SendError("timeout", "메일 서버가 제때 응답하지 않습니다. 나중에 다시 보냅니다") from None
            raise SendError("smtp_dropped", "메일 서버가 연결을 끊었습니다. 나중에 다시 보냅니다") from None
        data = re.sub(rb"(?m)^\.", b"..", payload)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        try:
            conn.send(data + b".\r\n")
        except (smtplib.SMTPServerDisconnected, OSError):  # the end mark did not go out: the server has nothing
            self._drop()
            raise SendError("smtp_dropped", "메일을 보내는 중에 연결이 끊겼습니다. 나중에 다시 보냅니다") from None
        try:
            code, reply = conn.getreply()
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise SendError("smtp_unconfirmed", "메일을 다 보낸 뒤 서버의 확인을 받지 못했습니다. 두 번 가지 않도록 "
                            "다시 보내지 않고 확인을 기다립니다", ambiguous=True) from None
        if code != 250:
            raise self._refused(conn, code, reply, "data")


def _timed_out(exc: BaseException) -> bool:
    """A timeout, told by smtplib as itself or as a disconnection ("Connection unexpectedly closed: timed out")."""
    return isinstance(exc, TimeoutError) or "timed out" in str(exc)


def _quietly_close(conn: smtplib.SMTP | None, quit: bool = False) -> None:
    if conn is None:
        return
    try:
        if quit:
            conn.quit()
        else:
            conn.close()
    except (smtplib.SMTPException, OSError):
        with contextlib.suppress(smtplib.SMTPException, OSError):
            conn.close()
