"""Every label of the console in French and English, side by side for a translator.

Patients' own words (messages, names, notes) are never translated: only these labels follow
the coordinator's language. French is the default.
"""

from __future__ import annotations

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
# Labels of stored values (``status_new``, ``channel_whatsapp``…): a value with no label is
# shown as stored.
_PREFIXES = {"status", "outcome", "callback", "channel", "lang", "answer", "value", "mark", "reply", "audit", "role"}

# key: (French, English)
LABELS: dict[str, tuple[str, str]] = {
    "console": ("Console des coordonnateurs", "Coordinator console"),
    "service": ("SOS Tourisme Médical", "SOS Tourisme Médical"),
    "sign_in": ("Se connecter", "Sign in"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "account_name": ("Nom du compte", "Account name"),
    "password": ("Mot de passe", "Password"),
    "wrong_login": ("Nom de compte ou mot de passe incorrect.", "Wrong account name or password."),
    "throttled": (
        "Trop de tentatives refusées. Réessayez dans {minutes} min.",
        "Too many refused attempts. Try again in {minutes} min.",
    ),
    "expired": (
        "Votre session a expiré après une période d'inactivité. Reconnectez-vous.",
        "Your session expired after a period of inactivity. Please sign in again.",
    ),
    "signed_out": ("Vous êtes déconnecté.", "You are signed out."),
    "language": ("Langue", "Language"),
    "language_name_fr": ("Français", "Français"),
    "language_name_en": ("English", "English"),
    "nav_leads": ("Demandes", "Requests"),
    "nav_unanswered": ("Questions sans réponse", "Unanswered questions"),
    "nav_conversations": ("Conversations", "Conversations"),
    "nav_audit": ("Journal d'accès", "Audit log"),
    "nav_accounts": ("Comptes", "Accounts"),
    "nav_purge": ("Purge", "Purge"),
    "signed_in_as": ("Connecté : {name} ({role})", "Signed in: {name} ({role})"),
    "role_coordinator": ("coordonnateur", "coordinator"),
    "role_admin": ("administrateur", "administrator"),
    # Inbox
    "inbox_title": ("Demandes de rappel", "Call-back requests"),
    "filter": ("Filtrer", "Filter"),
    "reset": ("Tout afficher", "Show all"),
    "search": ("Nom, courriel ou téléphone", "Name, e-mail or phone"),
    "any": ("Tous", "Any"),
    "from_date": ("Du", "From"),
    "to_date": ("Au", "To"),
    "no_leads": ("Aucune demande ne correspond.", "No request matches."),
    "lead_count": ("{count} demande(s)", "{count} request(s)"),
    "col_created": ("Reçue le (UTC)", "Received (UTC)"),
    "col_status": ("Statut", "Status"),
    "col_name": ("Nom", "Name"),
    "col_contact": ("Contact", "Contact"),
    "col_outcome": ("Résultat", "Outcome"),
    "col_channel": ("Canal", "Channel"),
    "col_language": ("Langue", "Language"),
    "col_callback": ("Rappel", "Call back"),
    "export_csv": ("Exporter toutes les demandes (CSV)", "Export every request (CSV)"),
    # Lead page
    "lead_title": ("Demande n° {id}", "Request #{id}"),
    "back_to_inbox": ("← Retour aux demandes", "← Back to the requests"),
    "contact": ("Coordonnées", "Contact details"),
    "name": ("Nom", "Name"),
    "email": ("Courriel", "E-mail"),
    "phone": ("Téléphone", "Phone"),
    "callback_time": ("Moment préféré pour l'appel", "Preferred time for the call"),
    "patient_language": ("Langue du patient", "Patient's language"),
    "channel": ("Canal", "Channel"),
    "received": ("Reçue le", "Received"),
    "updated": ("Mise à jour par le patient", "Updated by the patient"),
    "consent": ("Consentement", "Consent"),
    "consent_detail": ("version {version}, donné le {at}", "version {version}, given {at}"),
    "possible_duplicates": ("Même personne ?", "Same person?"),
    "possible_duplicates_detail": ("Même courriel ou téléphone que :", "Same e-mail or phone as:"),
    "questionnaire": ("Questionnaire", "Questionnaire"),
    "outcome": ("Résultat", "Outcome"),
    "no_answers": ("Aucune réponse au questionnaire.", "No questionnaire answer."),
    "transcript": ("Conversation", "Conversation"),
    "speaker_patient": ("Patient", "Patient"),
    "speaker_assistant": ("Assistant", "Assistant"),
    "speaker_coordinator": ("Coordonnateur", "Coordinator"),
    "status": ("Statut", "Status"),
    "change_status": ("Changer le statut", "Change the status"),
    "history": ("Historique", "History"),
    "history_line": ("{at} — {author} : {from_status} → {to_status}", "{at} — {author}: {from_status} → {to_status}"),
    "no_history": ("Aucun changement de statut.", "No status change yet."),
    "notes": ("Notes des coordonnateurs", "Coordinators' notes"),
    "no_notes": ("Aucune note.", "No note yet."),
    "add_note": ("Ajouter la note", "Add the note"),
    "note_placeholder": ("Appel, message laissé, suite à donner…", "Call, message left, next step…"),
    "delete_person": ("Supprimer les données de cette personne", "Delete this person's data"),
    "delete_title": ("Supprimer les données d'une personne", "Delete a person's data"),
    "delete_explain": (
        "Seront supprimés définitivement : les demandes {ids} (avec leurs notes, leur historique et les "
        "questions sans réponse de leurs conversations) et {files} soumission(s) en attente. "
        "Cette action est irréversible.",
        "These will be deleted for good: requests {ids} (with their notes, history and the unanswered "
        "questions of their conversations) and {files} waiting submission(s). This cannot be undone.",
    ),
    "confirm_delete": ("Oui, tout supprimer", "Yes, delete everything"),
    "cancel": ("Annuler", "Cancel"),
    "deleted": ("Demande(s) {ids} supprimée(s).", "Request(s) {ids} deleted."),
    # Statuses, outcomes, channels, call times
    "status_new": ("nouvelle", "new"),
    "status_contacted": ("contactée", "contacted"),
    "status_closed": ("fermée", "closed"),
    "outcome_candidate": ("candidat", "candidate"),
    "outcome_conservative_first": ("traitement conservateur d'abord", "conservative treatment first"),
    "outcome_human_requested": ("a demandé une personne", "asked for a person"),
    "callback_morning": ("le matin", "morning"),
    "callback_afternoon": ("l'après-midi", "afternoon"),
    "callback_evening": ("le soir", "evening"),
    "callback_any": ("n'importe quand", "any time"),
    "channel_socketio": ("widget du site", "website widget"),
    "channel_facebook": ("Messenger", "Messenger"),
    "channel_whatsapp": ("WhatsApp", "WhatsApp"),
    "channel_rest": ("REST (tests)", "REST (tests)"),
    "channel_cmdline": ("rasa shell", "rasa shell"),
    "lang_fr": ("français", "French"),
    "lang_en": ("anglais", "English"),
    # Questionnaire answers
    "answer_red_flags": ("Signes d'urgence", "Red flags"),
    "answer_residence": ("Résidence", "Residence"),
    "answer_problem": ("Problème", "Problem"),
    "answer_symptom_months": ("Symptômes depuis (mois)", "Symptoms for (months)"),
    "answer_treatments": ("Traitements essayés", "Treatments tried"),
    "answer_treatment_months": ("Traitements depuis (mois)", "Treatments for (months)"),
    "answer_imaging": ("Imagerie récente", "Recent imaging"),
    "answer_previous_surgery": ("Chirurgie antérieure", "Previous surgery"),
    "answer_work_injury": ("Accident du travail", "Work injury"),
    "answer_serious_conditions": ("Problèmes de santé graves", "Serious health conditions"),
    "answer_companion": ("Accompagnateur", "Companion"),
    "value_true": ("oui", "yes"),
    "value_false": ("non", "no"),
    "value_quebec": ("Québec", "Quebec"),
    "value_other_province": ("autre province", "other province"),
    "value_outside_canada": ("hors du Canada", "outside Canada"),
    "value_herniated_disc": ("hernie discale", "herniated disc"),
    "value_stenosis": ("sténose", "stenosis"),
    "value_instability": ("instabilité", "instability"),
    "value_degenerative_disc": ("discopathie dégénérative", "degenerative disc disease"),
    "value_failed_back_surgery": ("échec de chirurgie du dos", "failed back surgery"),
    "value_other": ("autre", "other"),
    "value_physiotherapy": ("physiothérapie", "physiotherapy"),
    "value_osteopathy": ("ostéopathie", "osteopathy"),
    "value_decompression": ("décompression", "decompression"),
    "value_medication": ("médicaments", "medication"),
    "value_injections": ("infiltrations", "injections"),
    "value_chiropractic": ("chiropratique", "chiropractic"),
    # Unanswered questions
    "unanswered_title": ("Questions sans réponse", "Unanswered questions"),
    "unanswered_explain": (
        "Messages qui ont reçu la réponse « je n'ai pas compris », « hors sujet » ou « pas dans les documents », "
        "regroupés par texte semblable. Courriels et numéros de téléphone sont masqués. Gardés {days} jours.",
        "Messages that got the « not understood », « out of scope » or « not in the documents » reply, grouped "
        "by similar text. E-mail addresses and phone numbers are masked. Kept {days} days.",
    ),
    "period": ("Période", "Period"),
    "last_7_days": ("7 derniers jours", "last 7 days"),
    "last_30_days": ("30 derniers jours", "last 30 days"),
    "last_90_days": ("90 derniers jours", "last 90 days"),
    "mark": ("Suite", "Follow-up"),
    "mark_new": ("à trier", "to sort"),
    "mark_to_document": ("à ajouter aux documents", "to add to the documents"),
    "mark_out_of_scope": ("hors sujet", "out of scope"),
    "mark_done": ("fait", "done"),
    "col_question": ("Question (texte du patient)", "Question (patient's text)"),
    "col_count": ("Fois", "Times"),
    "col_conversations": ("Conversations", "Conversations"),
    "col_last_asked": ("Dernière fois (UTC)", "Last asked (UTC)"),
    "col_reply": ("Réponse donnée", "Reply given"),
    "no_questions": ("Aucune question sans réponse pour cette période.", "No unanswered question in this period."),
    "export_questions": ("Exporter pour l'équipe de contenu (CSV)", "Export for the content team (CSV)"),
    "reply_utter_default": ("je n'ai pas compris", "not understood"),
    "reply_utter_out_of_scope": ("hors sujet", "out of scope"),
    # Live hand-off
    "conversations_title": ("Conversations en direct", "Live conversations"),
    "conversations_explain": (
        "Les personnes qui ont demandé à parler à quelqu'un, encore dans la conversation. Prenez-en une en charge "
        "pour lui répondre sur son propre canal : l'assistant se tait jusqu'à ce que vous la lui redonniez.",
        "People who asked for a person and may still be in the conversation. Take one over to answer on their "
        "own channel: the assistant stays silent until you give it back.",
    ),
    "not_configured": (
        "La reprise en direct n'est pas configurée (SOS_HANDOFF_SECRET manquant).",
        "Live take-over is not set up (SOS_HANDOFF_SECRET is missing).",
    ),
    "waiting_count": ("{count} en attente", "{count} waiting"),
    "section_waiting": ("En attente", "Waiting"),
    "section_mine": ("Les miennes", "Mine"),
    "section_others": ("Prises par d'autres", "Taken by others"),
    "col_waiting": ("Attente", "Waiting for"),
    "col_holder": ("Prise par", "Taken by"),
    "no_conversations": ("Aucune conversation.", "No conversation."),
    "minutes": ("{count} min", "{count} min"),
    "hours_minutes": ("{hours} h {minutes:02d}", "{hours} h {minutes:02d} min"),
    "open": ("Ouvrir", "Open"),
    "new_badge": ("nouvelle", "new"),
    "conversation_title": ("Conversation n° {id}", "Conversation #{id}"),
    "back_to_conversations": ("← Retour aux conversations", "← Back to the conversations"),
    "take_over": ("Prendre en charge", "Take over"),
    "held_by": ("Prise en charge par {name}.", "Taken over by {name}."),
    "held_by_you": (
        "Vous avez cette conversation : l'assistant se tait.",
        "You have this conversation: the assistant is silent.",
    ),
    "assistant_has_it": ("L'assistant répond à cette conversation.", "The assistant is answering this conversation."),
    "reply": ("Votre réponse", "Your reply"),
    "send": ("Envoyer", "Send"),
    "give_back": ("Redonner à l'assistant", "Give back to the assistant"),
    "close_conversation": ("Terminer la conversation", "Close the conversation"),
    "see_lead": ("Voir la demande n° {id}", "See request #{id}"),
    "red_flag_alert": (
        "⚠ Signe d'urgence : la personne a reçu la consigne d'appeler le 911.",
        "⚠ Emergency sign: the person was told to call 911.",
    ),
    "window_closed": (
        "Plus de 24 h depuis le dernier message de la personne : Meta ne livre plus de réponse libre. "
        "Attendez qu'elle écrive, ou appelez-la.",
        "More than 24 h since the person's last message: Meta no longer delivers a free reply. "
        "Wait for them to write, or call them.",
    ),
    "notice_taken": (
        "Un autre coordonnateur a déjà cette conversation.",
        "Another coordinator already has this conversation.",
    ),
    "notice_taken_back": (
        "L'assistant a repris cette conversation (aucune activité depuis trop longtemps). Reprenez-la en charge "
        "pour répondre.",
        "The assistant took this conversation back (no activity for too long). Take it over again to answer.",
    ),
    "notice_not_yours": ("Vous n'avez pas cette conversation.", "You do not have this conversation."),
    "notice_window_closed": (
        "Non envoyé : plus de 24 h depuis le dernier message de la personne (règle de Meta).",
        "Not sent: more than 24 h since the person's last message (Meta's rule).",
    ),
    "notice_rasa_down": (
        "Le serveur de l'assistant ne répond pas : rien n'a été changé. Réessayez dans un moment.",
        "The assistant's server does not answer: nothing was changed. Try again in a moment.",
    ),
    "notice_not_configured": (
        "La reprise en direct n'est pas configurée (SOS_HANDOFF_SECRET manquant).",
        "Live take-over is not set up (SOS_HANDOFF_SECRET is missing).",
    ),
    "notice_channel_unavailable": (
        "Le canal de cette conversation n'est pas disponible sur le serveur.",
        "This conversation's channel is not available on the server.",
    ),
    "notice_handed_back": ("Conversation redonnée à l'assistant.", "Conversation given back to the assistant."),
    "notice_closed": ("Conversation terminée.", "Conversation closed."),
    "audit_claim": ("prise en charge", "take-over"),
    "audit_reply": ("réponse en direct", "live reply"),
    "audit_give_back": ("redonnée à l'assistant", "given back"),
    "audit_close": ("conversation terminée", "conversation closed"),
    # Admin
    "audit_title": ("Journal d'accès aux demandes", "Audit log of the requests"),
    "col_when": ("Quand (UTC)", "When (UTC)"),
    "col_who": ("Qui", "Who"),
    "col_what": ("Quoi", "What"),
    "col_lead": ("Demande", "Request"),
    "col_detail": ("Détail", "Detail"),
    "audit_view": ("consultation", "view"),
    "audit_status": ("changement de statut", "status change"),
    "audit_note": ("note ajoutée", "note added"),
    "audit_export": ("export CSV", "CSV export"),
    "audit_delete": ("suppression", "deletion"),
    "audit_purge": ("purge", "purge"),
    "audit_account": ("compte", "account"),
    "accounts_title": ("Comptes du personnel", "Staff accounts"),
    "accounts_explain": (
        "Les comptes se créent en ligne de commande : sos-leads staff add NOM --role coordinator|admin.",
        "Accounts are created from the command line: sos-leads staff add NAME --role coordinator|admin.",
    ),
    "col_role": ("Rôle", "Role"),
    "col_state": ("État", "State"),
    "active": ("actif", "active"),
    "disabled": ("désactivé", "disabled"),
    "disable": ("Désactiver", "Disable"),
    "enable": ("Réactiver", "Enable"),
    "purge_title": ("Purge des données expirées", "Purge of expired data"),
    "purge_explain": (
        "Demandes non mises à jour depuis {lead_days} jours : {leads}. Questions sans réponse de plus de "
        "{question_days} jours : {questions}.",
        "Requests not updated for {lead_days} days: {leads}. Unanswered questions older than {question_days} "
        "days: {questions}.",
    ),
    "purge_now": ("Purger maintenant", "Purge now"),
    "purged": (
        "Purge faite : {leads} demande(s), {questions} question(s).",
        "Purged: {leads} request(s), {questions} question(s).",
    ),
    # Errors
    "error_csrf_title": ("Formulaire refusé", "Form refused"),
    "error_csrf": (
        "Ce formulaire n'a pas été accepté : il a expiré ou ne vient pas de cette console. "
        "Revenez à la page, rechargez-la et recommencez.",
        "This form was not accepted: it expired or does not come from this console. "
        "Go back to the page, reload it and try again.",
    ),
    "error_forbidden_title": ("Accès réservé", "Restricted"),
    "error_forbidden": ("Cette page est réservée aux administrateurs.", "This page is for administrators only."),
    "error_not_found_title": ("Introuvable", "Not found"),
    "error_not_found": (
        "Cette page ou cette demande n'existe pas (ou plus).",
        "This page or request does not exist (any more).",
    ),
    "error_bad_request_title": ("Demande incorrecte", "Bad request"),
    "error_bad_request": ("Une valeur du formulaire n'est pas acceptée.", "A value of the form is not accepted."),
    "error_server_title": ("Erreur", "Error"),
    "error_server": (
        "La console n'a pas pu faire cela (base de données injoignable ?). Réessayez dans un moment.",
        "The console could not do that (database unreachable?). Try again in a moment.",
    ),
}


def label(key: str, language: str, **values: object) -> str:
    """The label ``key`` in ``language`` (French if unknown), with ``values`` filled in.

    A key with no label is shown as it is: a value the console has no word for (a new
    channel, a new answer) still reads.
    """
    pair = LABELS.get(key)
    if pair is None:
        prefix, _, value = key.partition("_")
        return value if prefix in _PREFIXES and value else key
    text = pair[LANGUAGES.index(language) if language in LANGUAGES else 0]
    return text.format(**values) if values else text


def chosen_language(value: str | None) -> str:
    """``value`` if the console speaks it, else French."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
