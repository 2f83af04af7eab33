"""Emergency red flags and medication questions, found by patterns in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import SafetyFinding, assess, find_red_flag

RED_FLAGS = [
    ("J'arrive pu à retenir mon urine depuis hier", "bladder_bowel"),
    ("I lost control of my bladder this morning", "bladder_bowel"),
    ("je fais de l'incontinence depuis deux jours", "incontinence"),
    ("I can't control my bowels anymore", "bladder_bowel"),
    ("je sens pu rien entre les jambes", "saddle_numbness"),
    ("engourdissement dans l'aine et les fesses", "saddle_numbness"),
    ("numbness in my groin since last night", "saddle_numbness"),
    ("mes jambes lâchent de plus en plus", "leg_weakness"),
    ("ma jambe droite est de plus en plus faible depuis ce matin", "leg_weakness"),
    ("my legs are getting weaker fast", "leg_weakness"),
    ("my left leg keeps giving out", "leg_weakness"),
    ("j'ai mal au dos pis de la fièvre", "fever"),
    ("back pain and fever since yesterday", "fever"),
    ("accident de char hier, depuis j'ai mal dans le dos", "trauma"),
    ("I fell off a ladder and my back hurts a lot", "trauma"),
    ("j'ai eu un cancer du sein et là j'ai mal au dos", "cancer"),
    ("I had cancer a few years ago and now my back hurts", "cancer"),
]


@pytest.mark.parametrize(("text", "flag"), RED_FLAGS)
def test_red_flags_are_found(text, flag):
    assert find_red_flag(text) == flag
    assert assess(text) == SafetyFinding("emergency", flag)


@pytest.mark.parametrize(
    "text",
    [
        "Combien ça coûte une chirurgie en France? Pis depuis hier j'arrive pu à retenir mon urine",
        "what does the CNESST cover? also I have numbness in my groin",
    ],
)
def test_a_red_flag_wins_whatever_else_the_message_asks(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Combien d'advil je peux prendre par jour?",
        "est-ce que je peux arrêter mes médicaments avant l'opération",
        "should I stop taking my gabapentin",
        "can I take 800 mg of ibuprofen",
        "what dose of tylenol is ok for back pain",
    ],
)
def test_medication_questions_are_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "Qu'est-ce que la CNESST rembourse pour une chirurgie à l'étranger?",
        "J'ai eu un accident de travail, est-ce que la CNESST paie l'opération?",
        "c'est quoi une fusion vertébrale",
        "how long is the recovery after back surgery",
        "J'ai une faiblesse dans la jambe depuis deux ans, c'est quoi les options en France?",
        "quelle destination pour une chirurgie en oncologie selon mon budget",
        "Les chirurgiens parlent-ils anglais?",
        "what medications are used for failed back surgery syndrome",
    ],
)
def test_ordinary_questions_are_left_alone(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "based on my symptoms do i need surgery or not",
        "Do I need surgery for my herniated disc?",
        "should i get the fusion or the disc replacement",
        "can you read my mri results and tell me what it means",
        "Est-ce que j'ai besoin d'une opération pour ma hernie?",
        "dois-je me faire opérer?",
        "mon IRM dit quoi au juste, ça veut dire quoi L5-S1",
        "selon mes symptômes, c'est grave?",
    ],
)
def test_personal_surgery_and_imaging_questions_are_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "est-ce que je dois faire des traitements conservateurs avant la chirurgie?",
        "do I need to translate my medical file?",
        "what do I need to prepare before the surgery",
        "est-ce que la CNESST rembourse l'opération?",
        "how long is the wait for surgery in France",
    ],
)
def test_general_questions_about_surgery_are_not_medical_advice(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Mon frère a perdu le contrôle de sa vessie après son opération, est-ce que ça peut m'arriver en France?",
        "My brother lost control of his bladder after his surgery, could that happen to me in France?",
        "J'ai peur de perdre le contrôle de ma vessie après l'opération, c'est long la convalescence?",
        "I'm scared of losing bladder control after surgery, how long is the recovery?",
        "Pas d'engourdissement entre les jambes, pas de problème de vessie, juste de la douleur: c'est quoi l'attente en France?",
        "No numbness in the groin, no bladder problems, just pain: how long is the wait in France?",
        "Il y a 5 ans j'ai eu un accident de char et mal au dos, c'est réglé, mais la CNESST couvre quoi?",
        "I had a car accident 5 years ago that hurt my back, it's over now, what does the CNESST cover?",
    ],
)
def test_red_flags_that_are_not_the_persons_now_are_mentions(text):
    finding = assess(text)
    assert finding is not None
    assert finding.intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "Mon mari peut pu retenir son urine depuis ce matin, quoi faire?",
        "My husband lost bladder control this morning, what should we do?",
        "j'ai peur, je sens pu rien entre les jambes depuis hier",
        "I'm scared, I suddenly can't feel anything between my legs",
    ],
)
def test_a_cue_of_now_keeps_an_emergency_whoever_it_happens_to(text):
    assert assess(text).intent == "emergency"


def test_a_history_of_cancer_with_back_pain_stays_an_emergency_however_long_ago():
    assert assess("J'ai eu un cancer du sein il y a 5 ans et là j'ai mal au dos").intent == "emergency"
    assert assess("I had cancer 5 years ago and now my back hurts").intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "should I stop my blood thinners before surgery?",
        "je prends des anticoagulants, est-ce que je dois les arrêter avant l'opération?",
        "je prends du Lyrica, est-ce que je peux continuer avant l'opération?",
        "I'm on Eliquis, is that ok for the flight?",
        "can I bring my oxycodone on the plane to France?",
        "combien de temps avant l'opération je dois arrêter de fumer?",
        "how long before surgery should I stop smoking?",
        "est-ce que je dois continuer mon insuline le matin de la chirurgie?",
    ],
)
def test_personal_medication_and_preparation_questions_are_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "Il y a deux ans, ses jambes ont lâché soudainement et elle a été opérée d'urgence; combien de suivis sont inclus?",
        "Two years ago my wife's legs suddenly got weak and she had emergency surgery; how many follow-ups are included?",
    ],
)
def test_suddenness_in_a_dated_past_story_is_not_now(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "Pas de fièvre, pas de faiblesse dans les jambes: la CNESST rembourse-tu la physio?",
        "I'm terrified of ending up with bladder problems: is outpatient surgery riskier?",
    ],
)
def test_a_sign_named_away_from_the_person_is_a_mention(text):
    assert assess(text) == SafetyFinding("red_flag_mention", "sign_named")


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("depuis à matin j'ai mouillé mon pantalon sans m'en rendre compte", "bladder_bowel"),
        ("I had an accident this morning, I didn't feel it coming at all, my back is killing me", "incontinence"),
        ("j'ai de la misère à uriner depuis une heure pis mal au dos", "bladder_bowel"),
        ("trouble peeing since this morning and my back hurts", "bladder_bowel"),
        ("je sens plus rien quand je m'essuie aux toilettes", "saddle_numbness"),
        ("I can't feel anything when I wipe", "saddle_numbness"),
        ("mes deux jambes sont toutes molles, j'arrive pas à marcher", "leg_weakness"),
        ("my legs are weak, I can barely walk to the bathroom", "leg_weakness"),
        ("les deux jambes engourdies depuis le souper", "both_legs_numb"),
        ("both legs went numb since supper", "both_legs_numb"),
        ("une auto m'a percutée hier soir, j'ai mal au cou", "trauma"),
        ("I had breast cancer and now I've lost 15 lb without trying", "cancer_signs"),
        ("j'ai eu un cancer et la douleur la nuit est insupportable", "cancer_signs"),
    ],
)
def test_more_ways_of_telling_a_red_flag_are_found(text, flag):
    assert find_red_flag(text) == flag
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Ma mère vient de tomber dans la douche, elle sent plus ses jambes",
        "Dad just slipped on the ice and says he can't feel his legs, what do I do?",
    ],
)
def test_a_relatives_red_flag_happening_now_is_an_emergency(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "jai pas dengourdissement juste mal au dos, la cnesst paye tu l'avion?",
        "l'année passée je me suis pissé dessus une fois, c'est réglé; l'opé est-tu payée par la CNESST?",
        "si je me fais opérer et que je perds la sensibilité dans la jambe, qui paye pour réparer ça?",
        "my buddy had cauda equina last yr and pissed himself; do I need physio first?",
        "My doctor says go to the ER if I ever lose bladder control. It has never happened. Who follows me at home?",
        "The weakness in my leg was after the fall; it's back to normal now. What do I send to the CNESST?",
    ],
)
def test_more_red_flags_placed_away_from_the_person_are_mentions(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "jprend 3 advil par jour, faut tu jarrete avant l'opé?",
        "je prends de l'Ativan pour l'avion, est-ce que je peux en prendre pendant le vol?",
        "est-ce que je vais pouvoir prendre une couple de bières avec les pilules?",
        "pour mon insuline, je la prends à quelle heure le matin de l'opération?",
        "i have a few beers most nights. gotta quit before?",
        "been taking 6 advil a day, ok to keep doing that till surgery?",
        "can i bring my weed gummies to france?",
        "Should mom start calcium now to help the fusion heal?",
        "the walk-in gave me prednisone, can i just double it",
    ],
)
def test_more_personal_medication_questions_are_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "took advil and did 3 physio sessions. do i have to do physio first before you look at surgery?",
        "percutaneous spine surgery",
        "chirurgie percutanée du rachis",
        "est-ce que les médicaments sont inclus dans le forfait?",
        "are the medications included in the package?",
    ],
)
def test_medication_words_in_ordinary_questions_are_left_alone(text):
    finding = assess(text)
    assert finding is None or finding.intent not in {"emergency", "medical_advice"}


EXPECTED_FINDING = {
    "medication": "medical_advice",
    "red_flag_acute": "emergency",
    "red_flag_mention": "red_flag_mention",
}


def test_the_french_safety_development_set_is_mostly_found():
    """The messages of ``tests/field/safety_dev_fr.yml`` (tuned on: a floor against regressions)."""
    cases = yaml.safe_load((Path(__file__).parents[1] / "field" / "safety_dev_fr.yml").read_text(encoding="utf-8"))
    found = [(assess(case["text"]) or SafetyFinding("", "")).intent == EXPECTED_FINDING[case["kind"]] for case in cases]
    assert len(cases) == 100
    assert sum(found) >= 85


@pytest.mark.parametrize(
    "text",
    [
        "pas été capable de pisser depuis hier midi pis mal au dos",
        "hier soir j'ai eu deux « accidents » dans mes culottes sans même m'en rendre compte",
        "mon chum arrive pu à faire pipi, rien sort, ça fait 10h",
        "opérée avant-hier, à matin mes deux jambes sont molles pis je suis pas capable de me lever",
        "infiltration lundi, là j'ai des frissons pis 38,9",
        "mon mari s'est fait mal au dos à matin pis il sent pu ses fesses",
        "I had my discectomy Monday and tonight I'm at 39.5 with chills and back pain",
    ],
)
def test_more_french_emergencies_told_plainly_are_found(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "ma mère est sous Coumadin, est-ce qu'on arrête avant de prendre l'avion?",
        "je prends du curcuma pis des oméga 3, faut arrêter avant l'opé?",
        "mes pilules de pression je les prend pareil le matin?",
        "je suis sous méthotrexate, faut-il l'interrompre avant l'intervention?",
        "I'm on Plavix since my stent, is that a problem for the surgery?",
    ],
)
def test_a_named_drug_in_a_question_about_the_surgery_is_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


def test_a_drug_taken_once_in_a_story_does_not_make_the_question_medical_advice():
    finding = assess("J'ai déjà pris du Percocet une fois. Combien coûte une chirurgie en France?")
    assert finding is None or finding.intent != "medical_advice"


@pytest.mark.parametrize(
    "text",
    [
        "i fell down the stairs at work like an hour ago n now the pain is insane i cant even stand, like 10/10",
        "Je suis tombée dans l'escalier tantôt, la douleur est insupportable, je peux pu me lever",
    ],
)
def test_a_fall_with_pain_one_cannot_stand_up_with_is_an_emergency(text):
    assert assess(text) == SafetyFinding("emergency", "trauma_cannot_stand")


@pytest.mark.parametrize(
    "text",
    [
        "Pas de numbness dans la région génitale ni rien, juste un mal de dos chronique. Avec quels centres travaillez-vous?",
        "No numbness down there or anything, just chronic back pain. Which centres do you work with?",
    ],
)
def test_a_sign_negated_in_either_language_s_words_is_a_mention(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "Il prend du Dilaudid depuis l'accident. Pouvez-vous lui donner autre chose à la place en France?",
        "He's been on Dilaudid since the accident, could the surgeon switch him to something else over there?",
    ],
)
def test_asking_to_replace_a_named_drug_is_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "lan passe jai eu une faiblesse dans les 2 jambes, c revenu correct depuis. est ce que la cnesst paye le vol?",
        "Two years ago I had weakness in both legs, which resolved. Could a specialist in France review my case?",
    ],
)
def test_weakness_of_both_legs_long_over_is_a_mention(text):
    assert assess(text) == SafetyFinding("red_flag_mention", "sign_named")


@pytest.mark.parametrize(
    "text",
    [
        "I fell off a ladder in 2019 and now I can't walk more than 10 minutes, is surgery in France possible?",
        "Je suis tombé en bas d'une échelle en 2019, là je peux pu marcher longtemps. L'opération en France, possible?",
    ],
)
def test_a_fall_long_ago_with_a_lasting_limit_is_not_an_emergency(text):
    finding = assess(text)
    assert finding is None or finding.intent != "emergency"


@pytest.mark.parametrize(
    ("text", "red_flag"),
    [
        ("j'ai une douleur dans la poitrine depuis une heure, c'est-tu grave?", "chest_pain"),
        ("my chest hurts since lunch, anyway how much is the surgery", "chest_pain"),
        ("revenu de Paris hier après l'opé, depuis à matin je manque d'air", "breathless_after_care"),
        ("flew home after my fusion and since this morning I'm out of breath just talking", "breathless_after_care"),
        ("mon mollet est tout gonflé pis rouge depuis le vol", "calf_clot"),
        ("my calf is swollen and warm since I got off the plane", "calf_clot"),
        ("opérée il y a 8 jours, mal de tête terrible debout, correct couchée", "headache_standing_after_care"),
        ("5 days post-op, pounding headache when I stand, gone when lying flat", "headache_standing_after_care"),
        ("mes jambes obéissent pu depuis hier soir", "leg_weakness"),
        ("both my legs went dead at work this morning", "leg_weakness"),
        ("depuis ce matin mes jambes sont faibles, je monte pu les marches", "leg_weakness_now"),
        ("can't feel my butt since I woke up", "saddle_numbness"),
        ("trying to pee for hours and nothing comes out", "bladder_bowel"),
        ("mon père est tombé il y a 20 minutes pis il est pas capable de se relever", "trauma_cannot_stand"),
    ],
)
def test_more_emergencies_told_in_ordinary_words_are_found(text, red_flag):
    assert assess(text) == SafetyFinding("emergency", red_flag)


@pytest.mark.parametrize(
    "text",
    [
        "qu'est-ce qui arrive si j'ai de la fièvre une fois revenue chez nous après l'opération?",
        "Should I get a fever after the operation back home, whom do I call?",
        "Ma tante a fait une embolie pulmonaire après un vol il y a quelques années; vous faites quoi contre les phlébites?",
        "Buddy at work got a clot in the lung flying home from surgery, what do you do about that?",
        "Mon chirurgien m'a dit que la queue de cheval pouvait arriver. J'ai rien de ça, juste mal.",
        "Est-ce que je vais avoir mal à la poitrine dans l'avion? J'ai peur.",
        "mes deux pieds picotent depuis des années avec ma sténose, combien ça coûte?",
        "I've had tingling in both feet for years, what does the surgery cost?",
    ],
)
def test_signs_supposed_someone_elses_or_long_standing_are_mentions(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je suis tombé sur votre page en cherchant pour mon dos, vous êtes qui?",
        "J'ai de l'emphysème, je manque d'air vite, est-ce que je peux prendre l'avion?",
        "I get short of breath on stairs, how long is the flight to Paris?",
        "J'ai souvent mal de tête quand je suis assis longtemps au bureau, combien coûte l'opération?",
        "phlébite après chirurgie d'un jour, plus de risque?",
        "blood clots after outpatient surgery, higher risk?",
        "Will I wear compression socks on the flight to avoid clots?",
    ],
)
def test_ordinary_questions_near_the_new_red_flags_are_not_emergencies(text):
    finding = assess(text)
    assert finding is None or finding.intent not in {"emergency", "red_flag_mention"}


@pytest.mark.parametrize(
    "text",
    [
        "je prend de la metformine, est ce que je la prend le matin de l'opération ou pas",
        "Butrans, je l'enlève avant l'opé?",
        "je porte un timbre de nitroglycérine, est-ce que je dois l'enlever pour l'opération?",
        "mon petit verre de gin le soir, dois-je m'en priver avant l'opération?",
        "Kindly advise whether I may keep wearing my fentanyl patch on the plane",
        "still smoking a pack a day, do I have to quit for the surgery",
        "I take St. John's wort and ginkgo, should I cease these before my operation",
        "a glass of whisky at night, I wonder whether I should abstain before surgery",
    ],
)
def test_own_medication_drink_or_patch_before_the_operation_is_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    ("text", "red_flag"),
    [
        (
            "opéré il y a une semaine, depuis hier la plaie est rouge, chaude et il coule du jaune",
            "wound_infection_or_leak",
        ),
        ("six days after my fusion, the incision is oozing pus since this morning", "wound_infection_or_leak"),
        ("le pansement est trempé d'un liquide clair depuis cette nuit", "wound_infection_or_leak"),
        ("clear fluid leaking from the wound since I got up, what do I do", "wound_infection_or_leak"),
        ("je suis tombé dans les pommes deux fois aujourd'hui, opérée la semaine passée", "fainted"),
        ("my husband passed out in the kitchen an hour ago, he had surgery Monday", "fainted"),
        ("ma mère ne savait plus quel jour on était ce matin, elle a été opérée vendredi", "confusion"),
        ("since supper he keeps mixing up his words and repeating the same questions", "confusion"),
        ("he's all confused tonight, four days after his back surgery", "confusion_after_care"),
        ("depuis le dîner j'arrive pu à pisser, j'ai le ventre dur", "bladder_bowel"),
        ("Pas pissé depuis le déjeuner, ventre tendu", "urinary_retention"),
        ("he hasn't been able to urinate since breakfast", "bladder_bowel"),
        ("quand je m'essuie je sens rien depuis midi", "saddle_numbness"),
        ("my privates feel numb since lunch", "saddle_numbness"),
        ("mon pied droit claque sur le plancher depuis ce matin", "leg_weakness"),
        ("since yesterday I can't lift my toes, my foot slaps the floor", "leg_weakness"),
        ("worst pain of my life in the back an hour ago and now both legs are tingling", "both_legs_numb"),
        ("douleur comme un coup de couteau dans le dos, pis là mes jambes sont engourdies", "sudden_severe_pain_legs"),
        ("j'ai de la misère à prendre mon souffle pis ça serre dans la poitrine", "chest_tight_breathless"),
        ("chest feels tight and I can't catch my breath", "chest_tight_breathless"),
        ("chu tombé d'l'échelle, jpeux pu me relever", "trauma_cannot_stand"),
        ("slipped in the shower, still on the floor, the pain is unbearable", "trauma_cannot_stand"),
    ],
)
def test_complications_after_care_and_the_known_signs_in_plain_words_are_emergencies(text, red_flag):
    assert assess(text) == SafetyFinding("emergency", red_flag)


@pytest.mark.parametrize(
    "text",
    [
        "Une amie a eu une infection avec du pus après son opération en Turquie, vos cliniques sont accréditées?",
        "A friend of mine got meningitis after spine surgery abroad; how do you choose surgeons?",
        "Mon pied gauche tombe un peu depuis 2017, c'est stable, est-ce que ça change quelque chose?",
        "My foot has dragged a little since my stroke in 2015, nothing new; is that a problem?",
        "Fait de la fièvre à la clinique, réglée avant la sortie; le rapport va à mon médecin?",
        "Had a fever the second night over there, been fine since. When is the check-up?",
        "Jambes correctes, vessie correcte. Je demande la facture à qui?",
        "No saddle numbness, no bladder trouble; what imaging do your surgeons need?",
        "mon amie a fait un caillot après un long vol et là j'ai peur pour le retour",
        "my sister-in-law got a blood clot after her flight so now I worry about mine",
    ],
)
def test_complications_someone_else_had_or_had_once_are_mentions(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "How long does the scar stay red after the surgery?",
        "Est-ce que la cicatrice change de couleur avec le temps?",
        "Can I shower with the dressing on after the operation?",
        "Le pansement, je le change combien de fois par jour?",
        "I don't know what day my flight is, can you tell me?",
        "Je ne sais pas quel jour je pars, pouvez-vous me le dire?",
        "I'm confused about the forms, which one do I send?",
        "Je suis confuse avec les étapes, par où je commence?",
        "Je dois lever le pied au travail, combien de temps d'arrêt après l'opération?",
        "I can't walk more than 10 min without pain in my legs, am I a candidate?",
        "My chest gets tight when I think about the flight, is there support for anxiety?",
        "Is there a number I can call to speak to someone?",
        "How much precisely does an SI joint fusion cost over there?",
    ],
)
def test_ordinary_questions_with_the_words_of_complications_are_not_emergencies(text):
    finding = assess(text)
    assert finding is None or finding.intent != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Will the wound leak after the surgery?",
        "Est-ce que la plaie va couler après l'opération?",
        "I fainted once when I was a kid at the dentist, is anesthesia safe?",
        "Quand j'étais jeune j'ai perdu connaissance chez le dentiste, l'anesthésie est sécuritaire?",
    ],
)
def test_a_complication_asked_about_or_long_past_gets_the_note_not_the_emergency(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "je prend des pilules pour le coeur, est ce que je dois les arreter avant loperation",
        "Patrick prend du Jardiance, il l'arrête quelques jours avant la chirurgie?",
        "Je suis sous clopidogrel; quel délai d'interruption avant l'arthrodèse?",
        "un verre de rhum avec les pilules de douleur, correct?",
        "I'll get enoxaparin after surgery, can I carry the syringes on the flight?",
        "heart pills, the metoprolol: cut in half or the full one?",
        "max 4 g of Tylenol a day, can I go to 6 g for a few days?",
        "i vape like constantly, do i gotta quit before a fusion?",
    ],
)
def test_medication_named_by_brand_generic_ending_or_unnamed_pills_is_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    ("text", "red_flag"),
    [
        ("ma femme a la bouche croche depuis dix minutes, elle a de la misère à parler", "stroke"),
        ("her mouth seems to droop on one side and she's speaking in a muddled way", "stroke"),
        ("j'ai pris l'antibiotique il y a une heure, mes lèvres sont enflées", "allergic_reaction"),
        ("first antibiotic pill an hour ago and now my throat is getting tight", "throat_closing"),
        ("opéré du cou hier, le cou a enflé d'un coup et j'ai de la misère à avaler", "neck_swelling_after_care"),
        ("neck surgery yesterday, my neck has swollen a lot and swallowing is harder", "neck_swelling_after_care"),
        ("depuis deux jours mes selles sont noires et je me sens faible", "bleeding"),
        ("my stools have turned black since I started the new pills", "bleeding"),
        ("il est dur à réveiller ce soir depuis qu'il prend les pilules de la clinique", "hard_to_wake"),
        ("she is hard to wake and her breathing is slow and shallow", "hard_to_wake"),
        ("mon saturomètre indique 88 % depuis ce matin", "low_oxygen"),
        ("my oxygen sats at 86% on the finger thing", "low_oxygen"),
        ("je sens une oppression dans la poitrine qui monte vers la mâchoire", "chest_pain"),
        ("a pressing discomfort in the centre of my chest, going into my left arm", "chest_pain"),
        ("douleur qui déchire dans le dos, ma blonde dit que je suis gris et moite", "tearing_pain_clammy"),
        ("a tearing pain through to my back, and I'm grey and clammy", "tearing_pain_clammy"),
        ("j'ai pas envie de pisser de la journée et mon ventre est dur comme un ballon", "urinary_retention_belly"),
        ("I can't pee and my belly is hard like a drum", "bladder_bowel"),
        ("mes pantoufles tombent de mon pied droit pis j'accroche le tapis depuis lundi", "leg_weakness"),
        ("my slipper keeps falling off my foot and I catch my toe on the rug", "leg_weakness"),
        ("son pied voulait pas aller sur le frein, il dit que c'est son dos", "leg_weakness"),
        ("he couldn't feel whether his foot was on the gas or the brake pedal", "leg_weakness"),
    ],
)
def test_more_emergencies_beyond_the_spine_and_in_what_people_notice_are_found(text, red_flag):
    assert assess(text) == SafetyFinding("emergency", red_flag)


@pytest.mark.parametrize(
    "text",
    [
        "Ma blonde dit que chus chaud pis la plaie coule jaune",
        "My wife says I'm burning up, and the wound is leaking yellow stuff",
        "J'écris pour mon mari, à côté de moi: sa plaie coule depuis l'opération",
        "Writing for my husband, he's lying here next to me: the incision is draining",
        "Il est tout mêlé, il me demande où est le chien qui est mort en 2019, opéré vendredi",
        "He's acting strange since his back operation, asking where the dog is (it died in 2019)",
        "ça m'est jamais arrivé de ma vie: j'ai mouillé mon pantalon sans m'en rendre compte",
        "that's never happened to me in 78 years: an accident in my underwear, never felt it coming",
    ],
)
def test_a_relative_who_speaks_or_sits_beside_and_a_first_time_are_not_reasons_for_calm(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Une dame dans un groupe Facebook a des fuites urinaires depuis sa fusion; vous avez des chiffres?",
        "I listened to a podcast where a woman developed cauda equina after a discectomy; are rates published?",
        "Mettons que je fais une phlébite dans l'avion, c'est couvert par qui?",
        "What if the wound gets infected after we're back home, who do we call?",
        "Hypoesthésie du gros orteil stable depuis 3 ans, est-ce assez documenté?",
        "My foot has been a bit floppy ever since 1998, hasn't changed; do you need a new MRI?",
    ],
)
def test_signs_second_hand_supposed_or_stable_for_years_are_mentions(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "Is it hard on the calves to walk after the surgery?",
        "I'm a bit muddled about the process, where do I start?",
        "J'ai la gorge serrée juste à penser à l'opération, c'est normal d'être stressée?",
        "After surgery 3 days ago, it's strange, the invoice was never sent.",
        "Je suis mêlée dans les papiers, opérée il y a 3 jours, qui m'aide?",
        "Can my wife come with me? My brother had bladder trouble after his surgery.",
        "I just had a question about prices; my brother lost bladder control after his surgery years ago.",
        "Mes pantoufles, je les apporte à l'hôpital?",
        "Will I bleed a lot during the surgery?",
        "Est-ce que je vais saigner beaucoup pendant l'opération?",
        "les prescriptions de la pharmacie française pour mes médicaments après l'op, ça compte pour la cnesst?",
    ],
)
def test_ordinary_words_of_the_new_emergencies_do_not_raise_the_alarm(text):
    finding = assess(text)
    assert finding is None or finding.intent not in {"emergency", "medical_advice"}


@pytest.mark.parametrize(
    "text",
    [
        "mon pied gauche tombe, je peux plus lever les orteils; c'est ma hernie qui empire je suppose",
        "my foot drags and I can't lift my toes anymore; my disc getting worse, I suppose",
    ],
)
def test_a_guess_at_the_cause_is_not_a_supposed_sign(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Denis boit 6-8 bières par jour, est-ce qu'il doit arrêter d'un coup avant de partir?",
        "mes pilules pour la dépression, jdois tu les arrêter avant l'anesthésie?",
        "mes pilules pour la pression pis ma metformine je les prends tu le matin de l'opération",
        "Can I keep taking Robaxacet until the surgery?",
        "Rob is on sertraline and may get tramadol after; do they mix?",
        "Is it OK to bring a 3-week supply of hydromorphone back through CBSA?",
    ],
)
def test_drink_and_pills_of_one_s_own_in_quebec_questions_are_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "mon dos ca vient d'un accident de char, est-ce que la saaq rembourse une operation en france?",
        "Mon mal de dos a été causé par une chute dans l'escalier au travail; la CNESST paie-t-elle le billet d'avion?",
        "my back problems stem from a car accident, does the saaq pay for surgery in france?",
        "My back trouble came from a fall down the stairs at work; is a second opinion expensive?",
    ],
)
def test_where_a_long_standing_problem_comes_from_is_not_an_emergency(text):
    assert assess(text).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "je viens de tomber dans l'escalier, ça vient d'un accident de char pis je sens plus mes jambes",
        "I just fell down the stairs, my back came from a car accident and now I can't feel my legs",
    ],
)
def test_a_cause_told_beside_a_new_fall_does_not_calm_it(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Est-ce que je prends le questionnaire d'admissibilité maintenant?",
        "je prends un rendez-vous avec vous autres, c'est correct?",
        "Could I take the eligibility questionnaire now?",
        "I take the flight on the 12th, is that ok?",
    ],
)
def test_taking_a_questionnaire_an_appointment_or_a_flight_is_not_medication(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "pour les douches antiseptiques avant l'opé, jsuis allergique à la chlorhexidine, j'utilise quoi à la place?",
        "I'm allergic to chlorhexidine, what do I use instead for the antiseptic showers before surgery?",
    ],
)
def test_asking_what_to_do_about_ones_own_allergy_is_medical_advice(text):
    assert assess(text) == SafetyFinding("medical_advice", "personal_advice")


@pytest.mark.parametrize(
    "text",
    [
        "Ma femme est allergique aux chats, est-ce qu'il y en a à l'hôtel?",
        "Are the clinics told about patients' allergies before the operation?",
    ],
)
def test_an_allergy_not_ones_own_or_not_asked_about_is_left_alone(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "depuis l'hiver passé mes jambes lâchent et je retiens plus mon urine",
        "Since last winter my legs give out and I can't hold my urine anymore",
    ],
)
def test_a_red_flag_going_on_since_a_season_gone_by_is_an_emergency(text):
    assert assess(text).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Un voisin a perdu l'usage de ses jambes soudainement l'hiver passé. Moi rien de tel. "
        "Après une décompression, on est debout au bout de combien de temps?",
        "A neighbour lost the use of his legs quite suddenly last winter. I have had nothing of the sort. "
        "After a decompression, how soon is one back on one's feet?",
    ],
)
def test_suddenness_dated_to_a_season_gone_by_is_not_now(text):
    assert assess(text, suspected=True).intent == "red_flag_mention"


@pytest.mark.parametrize(
    "text",
    [
        "Je suis agente de bord, on a eu des turbulences en novembre dernier et depuis j'ai des picotements dans la main. "
        "Comment prouver à la CNESST que l'opération est nécessaire?",
        "I'm a flight attendant, we hit turbulence last November and since then I have pins and needles in my hand. "
        "How do I show the CNESST that the operation is necessary?",
    ],
)
def test_an_injury_of_a_month_gone_by_is_no_suspected_emergency(text):
    assert assess(text, suspected=True) is None
