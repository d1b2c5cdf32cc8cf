"""Bearer tokens: the format lives in `config.tokens` (machine callers mint them too); the
API checks each one against the account it names (`api.accounts`).

Ready for an external OIDC issuer later: only `read_token` would change.
"""

from config.tokens import (
    ALGORITHM,
    ISSUER,
    InvalidToken,
    TokenClaims,
    decode_token,
    mint_token,
    read_token,
)

__all__ = [
    "ALGORITHM",
    "ISSUER",
    "InvalidToken",
    "TokenClaims",
    "decode_token",
    "mint_token",
    "read_token",
]
