"""Masking of e-mail addresses and phone numbers in logged questions (a pure function, no database)."""

from __future__ import annotations

import time

import pytest

from assistant.storage.masking import mask_personal_data, shorten


@pytest.mark.parametrize(
    "phone",
    [
        # French, national and international
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "01 23 45 67 89",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "(06) 12 34 56 78",
        # elsewhere
        "+1 415 555 2671",
        "+1 (415) 555-2671",
        "(415) 555-2671",
        "415-555-2671",
        "+44 20 7946 0958",
        "020 7946 0958",
        "+49 30 123456",
        "+212 6 12 34 56 78",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    assert mask_personal_data(f"appelez-moi au {phone} svp") == "appelez-moi au [phone] svp"
    assert mask_personal_data(f"{phone}.") == "[phone]."
    assert mask_personal_data(f"tel:{phone}, merci") == "tel:[phone], merci"


@pytest.mark.parametrize(
    "email",
    ["jane.doe@example.fr", "j.doe+candidature@gmail.com", "prenom-nom@etu.univ-paris.fr", "X_Y@Mail.CO.UK"],
)
def test_email_addresses_are_masked(email: str) -> None:
    assert mask_personal_data(f"mon mail : {email}, merci") == "mon mail : [email], merci"
    assert mask_personal_data(f"<{email}>") == "<[email]>"


@pytest.mark.parametrize(
    "text",
    [
        "date limite 2026-01-23 ?",
        "le 23/01/2026 à 12h",
        "le 23.01.2026",
        "le 23 01 2026",
        "année 2025-2026",
        "75003 Paris",
        "1 500 euros",
        "j'ai 18 ans et 15 de moyenne",
        "version 3.11.7",
        "dossier 12345",
        "prix 15000000",
        "une question @ propos du concours",
        "écrivez à contact at ecole point fr",
    ],
)
def test_dates_amounts_and_other_numbers_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text


def test_both_in_one_message() -> None:
    text = "Je suis Jane (jane@doe.org, 07 98 76 54 32) : le dossier du 12/03/2026 est-il complet ?"
    assert (
        mask_personal_data(text)
        == "Je suis Jane ([email], [phone]) : le dossier du 12/03/2026 est-il complet ?"
    )


def test_masking_takes_linear_time_on_hostile_input() -> None:
    for text in ("1" * 5000 + "a", "1 " * 5000 + "a", "a." * 5000, "a" * 5000 + "@", "(1)" * 3000 + "x"):
        started = time.perf_counter()
        mask_personal_data(text)
        assert time.perf_counter() - started < 1.0


def test_shorten_collapses_masks_then_cuts() -> None:
    assert shorten("  a \n b\t c  ", 300) == "a b c"
    long = "x@y.fr " + "mot " * 200
    short = shorten(long, 50)
    assert short.startswith("[email] mot") and len(short) == 50 and short.endswith("…")
    # a number straddling the cut is masked, not half kept
    assert "12 34" not in shorten("a" * 40 + " 06 12 34 56 78", 50)
