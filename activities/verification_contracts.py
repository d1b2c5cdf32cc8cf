"""What the relief workflow sends to the verification-centre activity and gets back.
Plain models (no I/O), importable inside the workflow sandbox; no names or ID numbers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

SEND_VERIFICATION = "verification.send"


class VerificationSendRequest(BaseModel):
    """One request to the centre; `idempotency_key` makes a repeated send the same request."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    case_id: str
    programme: str
    members: int
    declared_income_fen: int


class CentreReceipt(BaseModel):
    """The centre took the request; `repeated` when it had the key already."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    centre_ref: str
    repeated: bool = False
