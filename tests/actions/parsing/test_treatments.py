"""The treatments already tried: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import TREATMENTS, parse_treatments

TREATMENTS_FR = [
    ("physio", ["physiotherapy"]),
    ("Physiothérapie", ["physiotherapy"]),
    ("phisiothérapie", ["physiotherapy"]),
    ("physio pis ostéo", ["physiotherapy", "osteopathy"]),
    ("kiné", ["physiotherapy"]),
    ("des exercices", ["physiotherapy"]),
    ("osteopathie", ["osteopathy"]),
    ("décompression neurovertébrale", ["decompression"]),
    ("anti-inflammatoires pis des advil", ["medication"]),
    ("des pilules", ["medication"]),
    ("infiltration de cortisone", ["injections"]),
    ("épidurale", ["injections"]),
    ("chiro", ["chiropractic"]),
    ("massothérapie", ["other"]),
    ("Médicaments, Physiothérapie", ["physiotherapy", "medication"]),
    ("physio mais pas de chiro", ["physiotherapy"]),
    ("physio, rien d'autre", ["physiotherapy"]),
    ("Aucun", []),
    ("rien", []),
    ("pas encore", []),
    ("non", []),
    ("pas de physio", []),
    ("pas de chiro ni d'ostéo", []),
    ("blocs facettaires", ["injections"]),
    ("médecine douce", ["other"]),
    ("oui", None),
    ("bonjour", None),
    ("combien coûte la physio?", None),
]
TREATMENTS_EN = [
    ("physiotherapy", ["physiotherapy"]),
    ("physical therapy", ["physiotherapy"]),
    ("PT and chiro", ["physiotherapy", "chiropractic"]),
    ("osteopath", ["osteopathy"]),
    ("spinal decompression", ["decompression"]),
    ("neurovertebral decompression", ["decompression"]),
    ("meds", ["medication"]),
    ("pain killers", ["medication"]),
    ("Advil and Tylenol", ["medication"]),
    ("a cortisone shot", ["injections"]),
    ("epidural injections", ["injections"]),
    ("chiropractor", ["chiropractic"]),
    ("yoga", ["other"]),
    ("Other", ["other"]),
    ("physio but no injections", ["physiotherapy"]),
    ("no chiro or physio, just meds", ["medication"]),
    ("yoga, meds, osteopath, chiropractor, decompression, injections and physio", list(TREATMENTS)),
    ("None", []),
    ("nothing", []),
    ("no treatment", []),
    ("not yet", []),
    ("I have never seen a chiropractor", []),
    ("I haven't tried chiro or physio", []),
    ("I have not tried anything", []),
    ("yes", None),
    ("hello", None),
    ("what is decompression?", None),
]


@pytest.mark.parametrize(("text", "expected"), TREATMENTS_FR + TREATMENTS_EN)
def test_treatments(text, expected):
    assert parse_treatments(text) == expected
