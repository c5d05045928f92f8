"""The Telegram adapter's own interface texts (commands, notices), in French and English.

Admissions content never lives here: answers, deadlines and checklists come from the core and the
knowledge base. These are only the words around them (command menu, consent question, notices).
"""

from __future__ import annotations

from assistant.checklist.reminders import days_before_text

COMMANDS: dict[str, dict[str, str]] = {
    "fr": {
        "start": "Choisir la langue et la formation",
        "help": "Ce que je sais faire",
        "ask": "Poser une question (dans un groupe)",
        "deadlines": "Les prochaines échéances, avec le compte à rebours",
        "checklist": "Ma checklist personnalisée (+ fichier agenda .ics)",
        "remind": "Rappels avant mes échéances (/remind off pour arrêter)",
        "programme": "Changer de formation",
        "language": "Changer de langue",
        "forget": "Effacer tout ce que je sais de vous",
    },
    "en": {
        "start": "Choose your language and programme",
        "help": "What I can do",
        "ask": "Ask a question (in a group)",
        "deadlines": "Upcoming deadlines, with a countdown",
        "checklist": "My personal checklist (+ .ics calendar file)",
        "remind": "Reminders before my deadlines (/remind off to stop)",
        "programme": "Change programme",
        "language": "Change language",
        "forget": "Erase everything I know about you",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "choose_language": "Bonjour ! Je réponds aux questions des candidats sur les admissions.\n\n"
        "Choisissez votre langue / Choose your language:",
        "choose_programme": "Quelle formation vous intéresse ?",
        "choose_group_programme": "Quelle formation ce groupe concerne-t-il ? (réservé aux administrateurs du groupe)",
        "bind_none": "Aucune (toutes les formations)",
        "group_bound": "Ce groupe est désormais associé à {programme} : les questions sans formation précisée portent sur elle.",
        "group_unbound": "Ce groupe n'est plus associé à une formation.",
        "admins_only": "Seuls les administrateurs du groupe peuvent choisir sa formation.",
        "no_programme": "Aucune formation n'est configurée.",
        "help": "Posez-moi votre question en une phrase, par exemple « quelle est la date limite ? » "
        "ou « quels documents fournir ? ».\n\n"
        "- /deadlines : les prochaines échéances\n"
        "- /checklist : votre checklist personnalisée, avec un fichier agenda\n"
        "- /remind : un rappel {days} avant vos échéances (/remind off pour arrêter)\n"
        "- /programme, /language : changer de formation ou de langue\n"
        "- /forget : effacer tout ce que je sais de vous\n\n"
        "Dans un groupe, mentionnez-moi, répondez à l'un de mes messages ou utilisez /ask.",
        "ask_usage": "Écrivez votre question après /ask, par exemple : /ask quelle est la date limite ?",
        "only_text": "Je ne lis que les messages texte : écrivez-moi votre question.",
        "rate_limited": "Vous envoyez beaucoup de messages d'un coup : je reprends dans quelques secondes.",
        "button_expired": "Ce bouton a expiré : posez à nouveau votre question.",
        "error": "Désolé, une erreur s'est produite. Réessayez dans un instant.",
        "private_only": "Cette commande concerne vos données personnelles : écrivez-moi en message privé.",
        "need_programme": "Choisissez d'abord une formation :",
        "checklist_start": "Je vous pose quelques questions pour établir votre checklist.",
        "checklist_caption": "Vos échéances, à importer dans votre agenda.",
        "consent_question": "Voulez-vous que j'enregistre ces réponses pour adapter vos rappels à votre "
        "profil ? Vous pourrez tout effacer à tout moment avec /forget.",
        "consent_yes": "Oui, enregistrer",
        "consent_no": "Non merci",
        "consent_saved": "Profil enregistré. /remind pour recevoir des rappels avant vos échéances.",
        "consent_declined": "D'accord, je n'enregistre rien.",
        "remind_on": "Rappels activés : {count} rappel(s), {days} avant chaque échéance "
        "qui vous concerne. /remind off pour les arrêter.",
        "remind_none": "Aucune échéance à venir ne vous concerne pour le moment : aucun rappel programmé.",
        "remind_profile_hint": "Astuce : faites d'abord /checklist et enregistrez votre profil pour des "
        "rappels adaptés à votre situation.",
        "remind_off": "Rappels désactivés ({count} supprimé(s)).",
        "forget_done": "C'est fait : j'ai effacé vos préférences, votre profil et vos rappels.",
    },
    "en": {
        "choose_language": "Hello! I answer candidates' questions about admissions.\n\n"
        "Choisissez votre langue / Choose your language:",
        "choose_programme": "Which programme are you interested in?",
        "choose_group_programme": "Which programme is this group about? (group administrators only)",
        "bind_none": "None (all programmes)",
        "group_bound": "This group is now bound to {programme}: questions that name no programme are about it.",
        "group_unbound": "This group is no longer bound to a programme.",
        "admins_only": "Only the group's administrators can choose its programme.",
        "no_programme": "No programme is configured.",
        "help": "Ask me your question in one sentence, for example “what is the deadline?” or “which "
        "documents do I need?”.\n\n"
        "- /deadlines: upcoming deadlines\n"
        "- /checklist: your personal checklist, with a calendar file\n"
        "- /remind: a reminder {days} before your deadlines (/remind off to stop)\n"
        "- /programme, /language: change programme or language\n"
        "- /forget: erase everything I know about you\n\n"
        "In a group, mention me, reply to one of my messages or use /ask.",
        "ask_usage": "Write your question after /ask, for example: /ask what is the deadline?",
        "only_text": "I only read text messages: please type your question.",
        "rate_limited": "You are sending many messages at once: I will answer again in a few seconds.",
        "button_expired": "This button has expired: please ask your question again.",
        "error": "Sorry, something went wrong. Please try again in a moment.",
        "private_only": "This command is about your personal data: please write to me in a private chat.",
        "need_programme": "First choose a programme:",
        "checklist_start": "I will ask you a few questions to build your checklist.",
        "checklist_caption": "Your deadlines, to import into your calendar.",
        "consent_question": "Shall I save these answers so your reminders match your profile? "
        "You can erase everything at any time with /forget.",
        "consent_yes": "Yes, save",
        "consent_no": "No thanks",
        "consent_saved": "Profile saved. Use /remind to get reminders before your deadlines.",
        "consent_declined": "All right, I won't save anything.",
        "remind_on": "Reminders on: {count} reminder(s), {days} before each deadline that "
        "concerns you. /remind off to stop them.",
        "remind_none": "No upcoming deadline concerns you at the moment: no reminder scheduled.",
        "remind_profile_hint": "Tip: run /checklist first and save your profile so reminders match your "
        "situation.",
        "remind_off": "Reminders off ({count} removed).",
        "forget_done": "Done: I erased your preferences, your profile and your reminders.",
    },
}

LANGUAGE_BUTTONS = (("Français", "lang:fr"), ("English", "lang:en"))


def t(lang: str | None, key: str, **values: object) -> str:
    """The interface text `key` in `lang` (French by default: the programmes are French)."""
    table = TEXTS["en" if lang == "en" else "fr"]
    text = table[key]
    if "{days}" in text:  # the reminder offsets are the core's, never restated here
        values = {"days": days_before_text("en" if lang == "en" else "fr"), **values}
    return text.format(**values) if values else text
