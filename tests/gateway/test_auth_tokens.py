"""OAuth2 client credentials: the token endpoint, hub JWT validation (RFC 8725), rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from tests.gateway.edge import ISSUER, Creds
from tests.support.orders import order

FORM = {"grant_type": "client_credentials"}


async def _token(edge: httpx.AsyncClient, creds: Creds, **form: str) -> httpx.Response:
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    return await edge.post(
        "/oauth/token", data={**FORM, **form}, headers={"Authorization": f"Basic {basic}"}
    )


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "omnihub-test",
        "sub": "acme",
        "client_id": "acme-erp",
        "scope": "orders:write",
        "iat": now,
        "nbf": now,
        "exp": now + 60,
    }
    claims.update(overrides)
    return claims


def _sign(creds: Creds, claims: dict[str, Any], kid: str = "k-new", **headers: Any) -> str:
    key = creds.new_key if kid != "k-old" else creds.old_key
    return jwt.encode(
        claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "at+jwt", **headers}
    )


async def _post(edge: httpx.AsyncClient, token: str) -> httpx.Response:
    return await edge.post("/v2/orders", json=order(), headers={"Authorization": f"Bearer {token}"})


async def test_client_secret_basic_gets_a_token_that_is_accepted(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await _token(edge, creds)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    header = jwt.get_unverified_header(body["access_token"])
    assert header["kid"] == "k-new" and header["alg"] == "EdDSA" and header["typ"] == "at+jwt"
    assert (await _post(edge, body["access_token"])).status_code == 202


async def test_client_secret_post_gets_a_token(edge: httpx.AsyncClient, creds: Creds) -> None:
    response = await edge.post(
        "/oauth/token",
        data={**FORM, "client_id": creds.client_id, "client_secret": creds.client_secret},
    )
    assert response.status_code == 200, response.text


async def test_wrong_client_secret_is_401_invalid_client(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await edge.post(
        "/oauth/token", data={**FORM, "client_id": creds.client_id, "client_secret": "wrong"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_other_grant_type_is_400_unsupported_grant_type(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await _token(edge, creds, grant_type="password")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_scope_the_partner_lacks_is_400_invalid_scope(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    response = await _token(edge, creds, scope="inventory:write")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_jwks_lists_the_active_and_the_previous_key(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    jwks = (await edge.get("/.well-known/jwks.json")).json()
    assert {k["kid"] for k in jwks["keys"]} == {"k-old", "k-new"}
    assert all("d" not in k for k in jwks["keys"])  # public parts only
    token = (await _token(edge, creds)).json()["access_token"]
    key = jwt.PyJWKSet.from_dict(jwks)["k-new"]
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="omnihub-test")
    assert claims["sub"] == "acme" and claims["iss"] == ISSUER


async def test_token_signed_with_the_rotated_out_key_is_still_accepted(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    assert (await _post(edge, _sign(creds, _claims(), kid="k-old"))).status_code == 202


async def test_token_without_the_scope_is_403(edge: httpx.AsyncClient, creds: Creds) -> None:
    response = await _post(edge, _sign(creds, _claims(scope="")))
    assert response.status_code == 403


def _alg_none(creds: Creds) -> str:
    return jwt.encode(_claims(), None, algorithm="none", headers={"kid": "k-new", "typ": "at+jwt"})


def _hs256_with_public_key(creds: Creds) -> str:
    """The classic confusion attack: the public key used as an HMAC secret."""
    public = creds.new_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def part(value: dict[str, Any]) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signing = part({"alg": "HS256", "kid": "k-new", "typ": "at+jwt"}) + b"." + part(_claims())
    signature = base64.urlsafe_b64encode(hmac.new(public, signing, hashlib.sha256).digest())
    return (signing + b"." + signature.rstrip(b"=")).decode()


def _tampered(creds: Creds) -> str:
    head, _payload, signature = _sign(creds, _claims()).split(".")
    other = _sign(creds, _claims(sub="gamma")).split(".")[1]
    return ".".join((head, other, signature))


BAD_TOKENS = {
    "alg none": _alg_none,
    "HS256 signed with the public key": _hs256_with_public_key,
    "expired": lambda c: _sign(c, _claims(exp=int(time.time()) - 120, iat=int(time.time()) - 400)),
    "not yet valid": lambda c: _sign(c, _claims(nbf=int(time.time()) + 600)),
    "wrong aud": lambda c: _sign(c, _claims(aud="someone-else")),
    "wrong iss": lambda c: _sign(c, _claims(iss="https://evil.test")),
    "unknown kid": lambda c: _sign(c, _claims(), kid="k-unknown"),
    "wrong typ": lambda c: _sign(c, _claims(), typ="JWT"),
    "tampered payload": _tampered,
    "unknown client": lambda c: _sign(c, _claims(client_id="nobody")),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_token_is_401(edge: httpx.AsyncClient, creds: Creds, case: str) -> None:
    token = BAD_TOKENS[case](creds)
    response = await _post(edge, token)
    assert response.status_code == 401, (case, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert token not in response.text
