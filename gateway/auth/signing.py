"""The hub's token signing keys: loaded once, the active one signs, every one verifies.

Rotation: add the new key, point `signing_key` at it, and keep the old key listed (its
private part may be dropped for `public_key_file`) until the tokens it signed have
expired, i.e. one `token_lifetime` later. The JWKS document lists every key.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from omnihub.config.model import HubTokenIssuer, SigningKey

__all__ = ["KeyLoadError", "SigningKeys", "VerifyKey"]

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey


class KeyLoadError(Exception):
    """A configured signing key cannot be used; the message names the key and the fix."""


class VerifyKey:
    __slots__ = ("algorithm", "kid", "public")

    def __init__(self, kid: str, algorithm: str, public: PublicKey) -> None:
        self.kid = kid
        self.algorithm = algorithm
        self.public = public


def _generate(algorithm: str) -> PrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def _read(path: Path, kid: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyLoadError(f"signing key '{kid}': cannot read {path}: {exc.strerror}") from None


def _check_type(kid: str, algorithm: str, key: Any) -> None:
    want = (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)
    if algorithm == "RS256":
        want = (rsa.RSAPrivateKey, rsa.RSAPublicKey)  # type: ignore[assignment]
    if not isinstance(key, want):
        raise KeyLoadError(
            f"signing key '{kid}' is not a key for {algorithm} "
            "(EdDSA needs an Ed25519 key, RS256 an RSA key)"
        )
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) and key.key_size < 2048:
        raise KeyLoadError(f"signing key '{kid}': RSA keys need at least 2048 bits")


def _write_generated(path: Path, algorithm: str) -> None:
    """Create the development key at `path` unless another process got there first.

    Gateway processes started together (`--workers N`, the bench) may all find the file
    missing: each writes its key to a file of its own and links it into place, which only
    the first one manages; the others read the winner's key, never a half-written file.
    """
    pem = _generate(algorithm).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(staged, path)
    finally:
        os.unlink(staged)


def _load_private(kid: str, spec: SigningKey, directory: Path) -> PrivateKey | None:
    data: bytes | None = None
    if spec.private_key is not None:
        data = spec.private_key.reveal().encode()
    elif spec.private_key_file is not None:
        path = directory / spec.private_key_file
        if not path.exists() and spec.generate:
            _write_generated(path, spec.algorithm)
        data = _read(path, kid)
    if data is None:
        return None
    try:
        loaded = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyLoadError(
            f"signing key '{kid}' is not an unencrypted PEM private key (PKCS#8 or PKCS#1)"
        ) from None
    _check_type(kid, spec.algorithm, loaded)
    assert isinstance(loaded, ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey)
    return loaded


def _load_public(kid: str, spec: SigningKey, directory: Path) -> PublicKey:
    assert spec.public_key_file is not None
    try:
        key = serialization.load_pem_public_key(_read(directory / spec.public_key_file, kid))
    except (ValueError, TypeError):
        raise KeyLoadError(
            f"signing key '{kid}': public_key_file is not a PEM public key"
        ) from None
    _check_type(kid, spec.algorithm, key)
    assert isinstance(key, ed25519.Ed25519PublicKey | rsa.RSAPublicKey)
    return key


class SigningKeys:
    """The active private key and every verification key of the hub issuer, by kid."""

    def __init__(self, issuer: HubTokenIssuer, directory: Path) -> None:
        self.verify: dict[str, VerifyKey] = {}
        active: PrivateKey | None = None
        for kid, spec in issuer.keys.items():
            private = _load_private(kid, spec, directory)
            if private is not None:
                public: PublicKey = private.public_key()
            elif spec.public_key_file is not None:
                public = _load_public(kid, spec, directory)
            else:
                raise KeyLoadError(f"signing key '{kid}' has no key material")
            self.verify[kid] = VerifyKey(kid, spec.algorithm, public)
            if kid == issuer.signing_key:
                active = private
        if active is None:
            raise KeyLoadError(
                f"signing key '{issuer.signing_key}' has no private key: tokens cannot be issued"
            )
        self.active_kid = issuer.signing_key
        self.active_algorithm = issuer.keys[issuer.signing_key].algorithm
        self.active_private = active

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set (RFC 7517) for ``/.well-known/jwks.json``."""
        keys = []
        for key in self.verify.values():
            if isinstance(key.public, rsa.RSAPublicKey):
                jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public, as_dict=True)
            else:
                jwk = OKPAlgorithm.to_jwk(key.public, as_dict=True)
            jwk.update({"kid": key.kid, "alg": key.algorithm, "use": "sig"})
            keys.append(jwk)
        return {"keys": keys}
