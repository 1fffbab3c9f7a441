"""Authentication of partners: API keys, OAuth2 access tokens, webhook signatures."""

from gateway.auth.apikeys import ApiKeyIndex, hash_secret, new_api_key
from gateway.auth.authenticator import Credentials, RouteAuthenticator
from gateway.auth.principal import Principal, authorize
from gateway.auth.signing import KeyLoadError, SigningKeys
from gateway.auth.tokens import TokenService
from gateway.auth.webhooks import SignedWebhook, WebhookVerifier

__all__ = [
    "ApiKeyIndex",
    "Credentials",
    "KeyLoadError",
    "Principal",
    "RouteAuthenticator",
    "SignedWebhook",
    "SigningKeys",
    "TokenService",
    "WebhookVerifier",
    "authorize",
    "hash_secret",
    "new_api_key",
]
