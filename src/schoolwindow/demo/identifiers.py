"""Believable but harmless identifiers: UPNs with the DfE check letter, drama phone numbers."""

from __future__ import annotations

from collections.abc import Iterator

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


def upn_check_letter(digits: str) -> str:
    """The DfE check letter for the 12 digits that follow it (weights 2 to 13, modulo 23)."""
    if len(digits) != 12 or not digits.isdigit():
        raise ValueError("A UPN has 12 digits after its check letter")
    total = sum(int(char) * weight for char, weight in zip(digits, range(2, 14), strict=True))
    return UPN_CHECK_LETTERS[total % 23]


def upn(*, la_code: int, establishment: int, year: int, serial: int) -> str:
    """A permanent UPN: check letter, LA code, DfE establishment number, year allocated, serial."""
    digits = f"{la_code:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(digits) + digits


def upn_is_valid(value: str) -> bool:
    return len(value) == 13 and value[1:].isdigit() and value[0] == upn_check_letter(value[1:])


def mobile_numbers() -> Iterator[str]:
    """Ofcom's range for drama, so no real person is ever texted: 07700 900000 to 900999."""
    for n in range(1000):
        yield f"07700 900{n:03d}"


def landline_numbers() -> Iterator[str]:
    """Ofcom's drama ranges for landlines (1000 numbers each)."""
    for prefix in ("01632 960", "0116 496 0", "0113 496 0", "0117 496 0", "0121 496 0"):
        for n in range(1000):
            yield f"{prefix}{n:03d}"
