"""Answers picked among known options: yes or no, unsure, residence, spine problem, treatments, imaging."""

from __future__ import annotations

import re

from actions.parsing.lexicon import READ_LENGTH, is_question, lexicon, negated, word_list, word_set, words

TREATMENTS = ("physiotherapy", "osteopathy", "decompression", "medication", "injections", "chiropractic", "other")
_YES_NO = ("yes_no/yes", "yes_no/no", "yes_no/mixed", "unsure/unsure", "yes_no/correction", "yes_no/neutral")
_PROBLEMS = ("problem/problems", "unsure/unsure", "problem/surgery_wish")
_TREATMENT_LISTS = ("treatments/treatments", "treatments/none", "treatments/not_other")
_RESIDENCES = ("quebec", "other_province", "outside_canada")
_SPECIFIC_PROBLEMS = ("herniated_disc", "stenosis", "instability", "degenerative_disc")


def parse_yes_no(text: str) -> bool | None:
    """Reads a yes or a no (« ouin », « pantoute », "yeah", "none"; « parfois » is yes).

    Args:
        text: The message, or the title of a « Oui »/« Non »/"Yes"/"No" button.

    Returns:
        ``True`` or ``False``; ``None`` when unsure, mixed (« oui et non ») or neither. Of a no and a yes, the
        no wins when it opens the message and no correction follows (« non, en fait oui » is ``None``).
    """
    message_words, one_letter = words(text), word_list("yes_no/one_letter")
    if len(message_words) == 1 and any(message_words[0] in letters for letters in one_letter.values()):
        return message_words[0] in one_letter["yes"]
    hits = lexicon(*_YES_NO).find(message_words)
    labels, answers = {hit.label for hit in hits}, [hit for hit in hits if hit.label in ("yes", "no")]
    if labels & {"unsure", "mixed"} or not answers:
        return None
    if len({hit.label for hit in answers}) == 1:
        return answers[0].label == "yes"
    return False if answers[0].label == "no" and answers[0].start == 0 and "correction" not in labels else None


def is_unsure(text: str) -> bool:
    """Tells whether the person says they do not know (« chais pas », « peut-être », "idk").

    Args:
        text: The message.
    """
    return bool(lexicon("unsure/unsure").find(words(text)))


def parse_residence(text: str) -> str | None:
    """Reads where the person lives: a province, a city, a country, « hors du Canada »…

    Args:
        text: The message.

    Returns:
        ``"quebec"``, ``"other_province"``, ``"outside_canada"`` (of two kinds, the one after « je vis »), or ``None``.
    """
    if is_question(message_words := [word_list("residence/abbreviations").get(word, word) for word in words(text)]):
        return None
    hits = lexicon(*(f"residence/{key}" for key in (*_RESIDENCES, "canada", "anchors"))).find(message_words)
    places = [hit for hit in hits if hit.label in _RESIDENCES]
    if not places:
        capitals = word_list("residence/uppercase_only").items()  # ON, US: places only in capitals
        found = (kind for kind, names in capitals if re.search(rf"\b({'|'.join(names)})\b", text[:READ_LENGTH]))
        return next(found, None)
    if len({hit.label for hit in places}) == 1:
        return places[0].label
    anchors = [hit.start for hit in hits if hit.label == "anchors"]
    return next((hit.label for hit in places if anchors and hit.start > anchors[0]), None)


def parse_problem(text: str) -> str | None:
    """Reads the main spine problem (« Hernie discale », "Spinal stenosis", « je sais pas »…).

    Args:
        text: The message or a button title.

    Returns:
        ``"failed_back_surgery"`` if named, else the first of ``"herniated_disc"``, ``"stenosis"``,
        ``"instability"``, ``"degenerative_disc"`` named, else ``"other"`` (« je sais pas »), or ``None``.
    """
    message_words = words(text)
    hits = [] if is_question(message_words) else lexicon(*_PROBLEMS).find(message_words)
    labels = [hit.label for hit in hits if hit.label != "surgery_wish" and not negated(message_words, hit.start)]
    specific = [label for label in labels if label in _SPECIFIC_PROBLEMS]
    if "failed_back_surgery" in labels or specific:
        return "failed_back_surgery" if "failed_back_surgery" in labels else specific[0]
    return "other" if labels else None


def parse_treatments(text: str) -> list[str] | None:
    """Reads the treatments already tried (« Physiothérapie, Médicaments », "a cortisone shot").

    Args:
        text: The message or button titles.

    Returns:
        Those named and not negated (« pas de chiro ni d'ostéo »), in the order of ``TREATMENTS``; ``[]``
        for « aucun », "not yet"; ``None`` for none named, or a question.
    """
    message_words, found, declined, negated_end = words(text), set(), False, None
    for hit in [] if is_question(message_words) else lexicon(*_TREATMENT_LISTS).find(message_words):
        # « pas de chiro ni d'ostéo »: a phrase joined to a negated one by « ni », "or"… is negated too.
        between = set(message_words[negated_end : hit.start]) if negated_end is not None else set()
        joining = word_set("treatments/alternatives")
        joined = bool(between & joining) and between <= joining | word_set("negation/fillers")
        if hit.label in ("none", "not_other"):
            declined = declined or hit.label == "none"
        elif negated(message_words, hit.start) or joined:
            declined, negated_end = True, hit.end
        else:
            found.add(hit.label)
    return [treatment for treatment in TREATMENTS if treatment in found] if found else [] if declined else None


def parse_imaging(text: str) -> bool | None:
    """Reads whether the person has had an MRI or a CT scan.

    Args:
        text: The message.

    Returns:
        ``True`` for a yes or an exam named (« IRM », "CT scan"); ``False`` for a no, « pas d'IRM », or an
        exam only planned (« j'attends mon IRM »); else ``None``.
    """
    if is_question(message_words := words(text)):
        return None
    hits = lexicon("imaging/mention", "imaging/planned", "imaging/done").find(message_words)
    mentions, labels = [hit for hit in hits if hit.label == "mention"], {hit.label for hit in hits}
    if any(not negated(message_words, hit.start) for hit in mentions):
        return "done" in labels or "planned" not in labels
    return False if mentions or "planned" in labels else parse_yes_no(text)
