"""Access tokens: the hub issues short-lived JWTs, and verifies them and external ones.

Verification follows RFC 8725: the algorithm comes from the key (an allow-list per key or
issuer, never from the token alone, so ``alg: none`` and HS256-with-a-public-key fail),
``typ`` must be the one the issuer uses, and ``iss``, ``aud``, ``exp``, ``nbf`` are
checked with a small leeway. The partner's scopes are the token's scopes that the partner
still holds in the configuration, so withdrawing a scope takes effect at once.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

from gateway.auth.principal import Principal, unauthenticated
from gateway.auth.remote_jwks import RemoteJwks
from gateway.auth.signing import SigningKeys
from gateway.edge.problems import ProblemError
from omnihub.config.model import HubConfig, HubTokenIssuer, JwksTokenIssuer

__all__ = ["HUB_TOKEN_TYPE", "TokenService"]

HUB_TOKEN_TYPE = "at+jwt"  # RFC 9068 access token
_REQUIRED = ["exp", "iat", "nbf", "iss", "aud", "sub"]


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "the access token has expired: get a new one from the token endpoint"
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "the access token is not valid yet (nbf/iat in the future)"
    if isinstance(exc, jwt.InvalidAudienceError):
        return "the access token is for another audience"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "the access token comes from an issuer this hub does not trust"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"the access token lacks the '{exc.claim}' claim"
    return "the access token is not valid"


class _Remote:
    __slots__ = ("clients", "jwks", "spec")

    def __init__(self, spec: JwksTokenIssuer, jwks: RemoteJwks) -> None:
        self.spec = spec
        self.jwks = jwks
        self.clients: dict[str, tuple[str, str]] = {}  # client id -> (partner, client id)


class TokenService:
    """Issue hub tokens; verify hub and external tokens into a `Principal`."""

    def __init__(
        self,
        config: HubConfig,
        hub: tuple[HubTokenIssuer, SigningKeys] | None,
        remotes: dict[str, tuple[JwksTokenIssuer, RemoteJwks]],
    ) -> None:
        self._partner_scopes = {p: frozenset(v.scopes) for p, v in config.partners.items()}
        self.hub = hub[0] if hub else None
        self.keys = hub[1] if hub else None
        self._hub_clients: dict[str, tuple[str, str]] = {}  # client id -> (partner, sha256)
        self._remotes = {spec.issuer: _Remote(spec, jwks) for spec, jwks in remotes.values()}
        by_id = {iid: spec.issuer for iid, (spec, _) in remotes.items()}
        for pid, partner in config.partners.items():
            for client in partner.oauth_clients:
                if client.issuer is None and client.secret_sha256 is not None:
                    self._hub_clients[client.client_id] = (pid, client.secret_sha256)
                elif client.issuer in by_id:
                    remote = self._remotes[by_id[client.issuer]]
                    remote.clients[client.client_id] = (pid, client.client_id)

    # ------------------------------------------------------------------ issuing
    def client(self, client_id: str) -> tuple[str, str] | None:
        """(partner, secret sha256) of a client of the hub's token endpoint."""
        return self._hub_clients.get(client_id)

    def partner_scopes(self, partner: str) -> frozenset[str]:
        return self._partner_scopes.get(partner, frozenset())

    def issue(self, partner: str, client_id: str, scopes: list[str]) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds."""
        assert self.hub is not None and self.keys is not None
        now = int(time.time())
        lifetime = int(self.hub.token_lifetime.total_seconds())
        claims = {
            "iss": self.hub.issuer,
            "aud": self.hub.audience,
            "sub": partner,
            "client_id": client_id,
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(
            claims,
            self.keys.active_private,
            algorithm=self.keys.active_algorithm,
            headers={"kid": self.keys.active_kid, "typ": HUB_TOKEN_TYPE},
        )
        return token, lifetime

    # ------------------------------------------------------------------ verifying
    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise unauthenticated("the access token is not a JWT", error="invalid_token") from None
        issuer = unverified.get("iss")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise unauthenticated("the access token has no 'kid' header", error="invalid_token")
        try:
            if self.hub is not None and issuer == self.hub.issuer:
                return self._verify_hub(token, header, kid)
            remote = self._remotes.get(issuer) if isinstance(issuer, str) else None
            if remote is None:
                raise unauthenticated(
                    "the access token comes from an issuer this hub does not trust",
                    error="invalid_token",
                )
            return await self._verify_remote(token, header, kid, remote)
        except jwt.PyJWTError as exc:
            raise unauthenticated(_reason(exc), error="invalid_token") from None

    def _verify_hub(self, token: str, header: dict[str, Any], kid: str) -> Principal:
        assert self.hub is not None and self.keys is not None
        key = self.keys.verify.get(kid)
        if key is None:
            raise unauthenticated("the access token's key is unknown", error="invalid_token")
        if header.get("typ") != HUB_TOKEN_TYPE:
            raise unauthenticated("the access token has the wrong 'typ'", error="invalid_token")
        claims = jwt.decode(
            token,
            key.public,
            algorithms=[key.algorithm],
            audience=self.hub.audience,
            issuer=self.hub.issuer,
            leeway=self.hub.leeway,
            options={"require": [*_REQUIRED, "client_id"]},
        )
        known = self._hub_clients.get(str(claims["client_id"]))
        if known is None or known[0] != claims["sub"]:
            raise unauthenticated("the access token's client is not known", error="invalid_token")
        return self._principal(known[0], str(claims["client_id"]), claims, "oauth2")

    async def _verify_remote(
        self, token: str, header: dict[str, Any], kid: str, remote: _Remote
    ) -> Principal:
        spec = remote.spec
        if header.get("typ") not in spec.token_types:
            raise unauthenticated("the access token has the wrong 'typ'", error="invalid_token")
        if header.get("alg") not in spec.algorithms:
            raise unauthenticated("the token's algorithm is not allowed", error="invalid_token")
        jwk = await remote.jwks.key(kid)
        if jwk is None:
            raise unauthenticated("the access token's key is unknown", error="invalid_token")
        if jwk.algorithm_name not in spec.algorithms:
            raise unauthenticated("the token's algorithm is not allowed", error="invalid_token")
        claims = jwt.decode(
            token,
            jwk.key,
            algorithms=[jwk.algorithm_name],
            audience=spec.audience,
            issuer=spec.issuer,
            leeway=spec.leeway,
            options={"require": ["exp", "iss", "aud", spec.client_claim]},
        )
        client = str(claims[spec.client_claim])
        known = remote.clients.get(client)
        if known is None:
            raise ProblemError(
                403,
                "the token's client is not registered with any partner of this hub",
                kind="forbidden",
            )
        return self._principal(known[0], client, claims, "oauth2")

    def _principal(self, partner: str, client: str, claims: dict[str, Any], how: str) -> Principal:
        held = self._partner_scopes.get(partner, frozenset())
        scope = claims.get("scope")
        granted = frozenset(scope.split()) & held if isinstance(scope, str) else held
        return Principal(partner, granted, client, how)
