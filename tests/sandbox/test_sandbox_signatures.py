"""Standard Webhooks v1 signing and verification, checked against the spec's test vector."""

from __future__ import annotations

import pytest

from sandbox.errors import InvalidWebhookSecret
from sandbox.signatures import Verdict, decode_secret, sign, verify

# Test vector published with the Standard Webhooks reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
PAYLOAD = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_sign_matches_the_reference_vector() -> None:
    assert sign(decode_secret(SECRET), MSG_ID, TIMESTAMP, PAYLOAD) == EXPECTED


def test_verify_accepts_one_valid_signature_among_several() -> None:
    verdict = verify(
        decode_secret(SECRET),
        webhook_id=MSG_ID,
        timestamp=str(TIMESTAMP),
        signature_header=f"v1,bm90LXRoaXM= {EXPECTED}",
        body=PAYLOAD,
        now_s=TIMESTAMP + 10,
    )

    assert verdict is Verdict.VALID


def test_verify_rejects_a_timestamp_outside_tolerance() -> None:
    verdict = verify(
        decode_secret(SECRET),
        webhook_id=MSG_ID,
        timestamp=str(TIMESTAMP),
        signature_header=EXPECTED,
        body=PAYLOAD,
        now_s=TIMESTAMP + 301,
    )

    assert verdict is Verdict.STALE_TIMESTAMP


def test_verify_rejects_a_non_numeric_timestamp() -> None:
    verdict = verify(
        decode_secret(SECRET),
        webhook_id=MSG_ID,
        timestamp="yesterday",
        signature_header=EXPECTED,
        body=PAYLOAD,
        now_s=TIMESTAMP,
    )

    assert verdict is Verdict.BAD_TIMESTAMP


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_***", "whsec_"])
def test_malformed_secret_raises_invalid_webhook_secret(secret: str) -> None:
    with pytest.raises(InvalidWebhookSecret):
        decode_secret(secret)
