"""E-mail addresses and phone numbers: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import ContactDetails, parse_contact

CONTACT_FR = [
    ("514 555-0199", None, "+15145550199", None),
    ("(438) 555 0123", None, "+14385550123", None),
    ("+33 6 12 34 56 78", None, "+33612345678", None),
    ("mon numéro : 418.555.1234", None, "+14185551234", None),
    ("jean.tremblay@videotron.ca", "jean.tremblay@videotron.ca", None, None),
    ("courriel : marie@exemple.ca, tél. 514 555-0199", "marie@exemple.ca", "+15145550199", None),
    ("<marie@exemple.ca>", "marie@exemple.ca", None, None),
    ("jean.tremblay@videotron", None, None, "invalid_email"),
    ("jean@x..ca et 514 555 0199", None, "+15145550199", "invalid_email"),
    ("cinq un quatre, cinq cinq cinq", None, None, "invalid_phone"),
    ("555-0199", None, None, "invalid_phone"),
    ("marie@exemple.ca et 514-555-CALL", "marie@exemple.ca", None, "invalid_phone"),
    ("je sais pas", None, None, "missing"),
]
CONTACT_EN = [
    ("1-800-463-3339", None, "+18004633339", None),
    ("+1 613 555 0150", None, "+16135550150", None),
    ("Jean.Tremblay@Videotron.CA", "Jean.Tremblay@videotron.ca", None, None),
    ("john @ example.com", "john@example.com", None, None),
    ("john@example.com or 514 555 0199", "john@example.com", "+15145550199", None),
    ("jean@@example", None, None, "invalid_email"),
    ("john.example.com@", None, None, "invalid_email"),
    ("514-555-CALL", None, None, "invalid_phone"),
    ("five one four five five five", None, None, "invalid_phone"),
    ("12345678", None, None, "invalid_phone"),
    ("I don't know", None, None, "missing"),
    ("🙂", None, None, "missing"),
    ("", None, None, "missing"),
]


@pytest.mark.parametrize(("text", "email", "phone", "problem"), CONTACT_FR + CONTACT_EN)
def test_contact_details(text, email, phone, problem):
    assert parse_contact(text) == ContactDetails(email=email, phone=phone, problem=problem)


def test_numbers_without_country_code_follow_the_default_region():
    assert parse_contact("06 12 34 56 78", default_region="FR").phone == "+33612345678"
    assert parse_contact("06 12 34 56 78").problem == "invalid_phone"
