"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): send EDI bodies as the text
they are; give each route the credential of the partner it is for (a partner's crosswalk
tables are its own), from $CONTRACT_KEYS (JSON: path or "*" -> API key); and sign each request to
a Shopify webhook route as Shopify does, with the secret in $OMNIHUB_SHOPIFY_WEBHOOK_SECRET.

A webhook's credential is a signature over the exact body, which no static header can
carry: the hook serialises the generated body itself, sends those bytes, and adds the
HMAC of them. Every other request goes out as schemathesis made it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

import schemathesis

SHOPIFY_PATHS = ("/v1/webhooks/shopify/orders",)

# An interchange is text: send it like text/plain (schemathesis knows no EDI media type).
schemathesis.serializer.alias(["application/edi-x12", "application/edifact"], "text/plain")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    keys = json.loads(os.environ.get("CONTRACT_KEYS", "{}"))
    key = keys.get(case.operation.path, keys.get("*"))
    if key is not None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
    if case.operation.path not in SHOPIFY_PATHS:
        return
    if isinstance(case.body, bytes):
        body = case.body
    else:
        try:
            body = json.dumps(case.body).encode()
        except TypeError:  # no body generated (NOT_SET) or not JSON: leave it unsigned
            return
    secret = os.environ["OMNIHUB_SHOPIFY_WEBHOOK_SECRET"].encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    case.body = body
    case.headers = {**(case.headers or {}), "X-Shopify-Hmac-Sha256": signature}
