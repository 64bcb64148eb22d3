"""Redaction with synthetic values only (synthetic national IDs have month + 80), in every script."""

from __future__ import annotations

import pytest

from api.safety.redact import classify_id, redact

# Synthetic fødselsnummer / D-number (month + 80: never issued to a real person), valid check digits.
SYNTHETIC_FNR = "01819012365"
SYNTHETIC_DNR = "41819012510"


def test_synthetic_ids_are_valid_and_classified() -> None:
    assert classify_id(SYNTHETIC_FNR) == "NATIONAL-ID"
    assert classify_id(SYNTHETIC_DNR) == "D-NUMBER"


def test_wrong_check_digits_are_not_an_id() -> None:
    assert classify_id("01819012366") is None
    assert redact("saksnummer 01819012366")[0] == "saksnummer 01819012366"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (f"mitt fødselsnummer er {SYNTHETIC_FNR}", "mitt fødselsnummer er [NATIONAL-ID]"),
        (f"my d-number is {SYNTHETIC_DNR[:6]} {SYNTHETIC_DNR[6:]}", "my d-number is [D-NUMBER]"),
        (f"мій номер {SYNTHETIC_FNR}, телефон +47 912 34 567", "мій номер [NATIONAL-ID], телефон [PHONE]"),
        ("رقم هاتفي ٩١٢٣٤٥٦٧ من فضلك", "رقم هاتفي [PHONE] من فضلك"),
        (f"ቁጽሪ {SYNTHETIC_DNR} እዩ", "ቁጽሪ [D-NUMBER] እዩ"),
        ("emailkayga waa test.person@example.org", "emailkayga waa [EMAIL]"),
        ("شماره کارت من 4111 1111 1111 1111 است", "شماره کارت من [CARD] است"),
        ("jeg bor i Storgata 12B, 0150 Oslo", "jeg bor i [ADDRESS], [ADDRESS]"),
        ("адреса: Kirkeveien 5", "адреса: [ADDRESS]"),
        ("ring 0047 41 23 45 67", "ring [PHONE]"),
    ],
)
def test_personal_data_is_replaced_in_every_script(message: str, expected: str) -> None:
    assert redact(message)[0] == expected


@pytest.mark.parametrize(
    "message",
    [
        "ring 113 eller legevakt 116 117",
        "Kirkens SOS 22 40 00 40, Mental Helse 116 123",
        "UDI 23 35 16 00 og helsenorge 23 32 70 00",
        "jeg kom i 2023 og har ventet 14 dager",
        "uke 18 og 3 måneder",
    ],
)
def test_public_numbers_dates_and_ordinary_numbers_are_kept(message: str) -> None:
    assert redact(message) == (message, [])
