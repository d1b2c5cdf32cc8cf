"""The unified social credit code (统一社会信用代码, GB 32100-2015) of a social organisation."""

from __future__ import annotations

from domain.socialorg.commands import OrgType

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CIVIL_AFFAIRS = "5"  # registration authority code: 民政
CATEGORY = {  # institution category within 民政
    OrgType.SOCIAL_GROUP: "1",
    OrgType.SOCIAL_SERVICE_AGENCY: "2",
    OrgType.FOUNDATION: "3",
}


def check_character(first17: str) -> str:
    """The 18th character that the first 17 call for."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str, org_type: OrgType) -> str | None:
    """Why `code` is not a valid code for this kind of organisation, or None when it is."""
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return "a unified social credit code has 18 characters from 0-9 and A-Y without I O S V Z"
    expected = CIVIL_AFFAIRS + CATEGORY[org_type]
    if code[:2] != expected:
        return f"a {org_type.value}'s code starts with {expected} (民政, its category)"
    if check_character(code[:17]) != code[17]:
        return "the check character (GB 32100-2015) does not match"
    return None
