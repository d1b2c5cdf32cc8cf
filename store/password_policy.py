"""The password policy for staff accounts: long, not common, not the user id, not a pattern.

NIST SP 800-63B-4 §3.1.1.2: passwords used as the only factor are at least 15 characters, at
least 64 are allowed, and each is checked against a list of commonly used or compromised
values; composition rules (a digit, a symbol) are not required, since they do not help.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 15  # NIST SP 800-63B-4 §3.1.1.2, single-factor passwords
MAX_LENGTH = 200  # above the 64 that §3.1.1.2 requires verifiers to accept
MIN_DISTINCT = 5  # "aaaaaaaaaaaaaaa1" is long but no secret
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


class WeakPassword(ValueError):
    """The password breaks the policy; the message (Chinese, for staff) says which rule."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def _repeats_a_shorter_unit(password: str) -> bool:
    """ "abcabcabcabcabc", "passwordpassword": a short unit repeated."""
    n = len(password)
    return any(
        n % size == 0 and password[:size] * (n // size) == password for size in range(1, n // 2 + 1)
    )


def check_password(password: str, user_id: str = "") -> None:
    """Raise `WeakPassword` unless the password may protect a staff account."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"密码至少 {MIN_LENGTH} 个字符 (password shorter than {MIN_LENGTH})")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"密码最多 {MAX_LENGTH} 个字符")
    folded = password.strip().lower()
    if folded in common_passwords() or _repeats_a_shorter_unit(folded):
        raise WeakPassword("密码过于常见或只是重复的片段，请换一个 (a common or repeated password)")
    if len(set(folded)) < MIN_DISTINCT:
        raise WeakPassword(f"密码至少含 {MIN_DISTINCT} 个不同的字符")
    if len(user_id) >= 3 and user_id.lower() in folded:
        raise WeakPassword("密码不得包含用户名 (the password contains the user id)")
