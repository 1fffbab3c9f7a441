"""AS2 (RFC 4130) towards an EDI partner, over pyas2lib: sign, encrypt, read the MDN.

`As2Sender` is built once per target from its `As2Settings` (keys and certificates
are loaded then, so a bad key stops the worker at start). `build` turns an interchange
into the AS2 request (headers + body); `read_mdn` reads the partner's synchronous MDN,
verifying its signature, and says whether the partner processed the message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
from pyas2lib import Mdn, Message, Organization, Partner
from pyas2lib.exceptions import AS2Exception, ImproperlyConfigured

from connectors.errors import ConnectorConfigError
from omnihub.config.model import As2Settings

__all__ = ["As2Request", "As2Sender", "MdnOutcome"]

# pyas2lib logs every failed verification with a traceback at ERROR; the outcome is
# reported by the connector instead.
logging.getLogger("pyas2lib").setLevel(logging.CRITICAL)


class As2Request(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    headers: dict[str, str]  # AS2 headers, without Content-Type
    content_type: str
    body: bytes


class MdnOutcome(msgspec.Struct, frozen=True, kw_only=True):
    processed: bool
    status: str  # e.g. "processed", "processed/Error"
    detail: str  # e.g. "authentication-failed"; "" when processed


def _read(directory: Path, name: str, what: str, where: str) -> bytes:
    path = directory / name
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConnectorConfigError(where, f"cannot read {what} {path}: {exc.strerror}") from None


class As2Sender:
    def __init__(self, settings: As2Settings, directory: Path, where: str) -> None:
        if settings.our_key is not None:
            key = settings.our_key.reveal().encode()
        elif settings.our_key_file is not None:
            key = _read(directory, settings.our_key_file, "the AS2 private key", where)
        else:
            raise ConnectorConfigError(where, "AS2 needs `our_key` or `our_key_file` (PEM)")
        ours = _read(directory, settings.our_certificate_file, "our AS2 certificate", where)
        theirs = _read(
            directory, settings.partner_certificate_file, "the partner's certificate", where
        )
        try:
            self._org = Organization(
                as2_name=settings.as2_from, sign_key=key + b"\n" + ours, decrypt_key=key + ours
            )
            self._partner = Partner(
                as2_name=settings.as2_to,
                verify_cert=theirs,
                encrypt_cert=theirs,
                validate_certs=False,  # trading partners' certificates are commonly self-signed
                sign=settings.sign,
                encrypt=settings.encrypt,
                compress=settings.compress,
                digest_alg=settings.digest,
                enc_alg=settings.encryption,
                mdn_mode="SYNC",
                mdn_digest_alg=settings.digest if settings.signed_mdn else None,
            )
        except (AS2Exception, ImproperlyConfigured, ValueError, OSError) as exc:
            raise ConnectorConfigError(where, f"AS2 keys or settings refused: {exc}") from None
        self._sent: dict[str, Message] = {}

    def build(self, data: bytes, filename: str) -> tuple[As2Request, Message]:
        """The AS2 request carrying `data`, and the message (to read its MDN with)."""
        message = Message(self._org, self._partner)
        message.build(
            data,
            filename=filename,
            subject="omnihub EDI",
            content_type="application/edi-x12",
            disposition_notification_to="omnihub",
        )
        headers = {
            k: str(v).replace("\r\n", " ").replace("\n", " ") for k, v in message.headers.items()
        }
        content_type = headers.pop("Content-Type", "application/pkcs7-mime")
        request = As2Request(
            message_id=str(message.message_id),
            headers=headers,
            content_type=content_type,
            body=message.content,
        )
        return request, message

    @staticmethod
    def read_mdn(message: Message, headers: Mapping[str, str], content: bytes) -> MdnOutcome:
        """Verify and read the synchronous MDN answering `message`."""
        if not content:
            return MdnOutcome(processed=False, status="failed", detail="no MDN in the answer")
        raw = _raw(headers, content)

        def find_message(message_id: Any, recipient: Any) -> Message | None:
            return message if str(message_id) == str(message.message_id) else None

        try:
            status, detail = Mdn().parse(raw, find_message)
        except (AS2Exception, ValueError, KeyError) as exc:
            return MdnOutcome(processed=False, status="failed", detail=f"unreadable MDN: {exc}")
        status = str(status or "failed")
        return MdnOutcome(processed=status == "processed", status=status, detail=str(detail or ""))


def _raw(headers: Mapping[str, str], content: bytes) -> bytes:
    lines = [f"{k}: {v}" for k, v in headers.items() if k.lower() != "content-length"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + content
