"""French/English texts of the Discord adapter itself: command localisations and short UI messages.

Why here and not in the knowledge base: these are platform words (command names, "only moderators
can do this"), not admissions facts. Every admissions text still comes from the core.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from assistant.checklist.reminders import days_before_text

Lang = Literal["fr", "en"]

# English source string -> French. Command and option names must match Discord's name rules
# (lowercase, no spaces, <= 32 chars); context-menu names and descriptions are free text.
FRENCH: dict[str, str] = {
    # commands
    "ask": "demander",
    "Ask the admissions assistant a question": "Poser une question à l'assistant des admissions",
    "question": "question",
    "Your question, in French or English": "Votre question, en français ou en anglais",
    "private": "privé",
    "Only you will see the answer": "Vous seul verrez la réponse",
    "deadlines": "dates",
    "Upcoming admissions dates and deadlines": "Prochaines dates et échéances des admissions",
    "checklist": "checklist",
    "Build your personal checklist of steps and documents": "Construire votre liste personnelle d'étapes et de pièces",
    "remind": "rappels",
    "Direct-message reminders before the deadlines that concern you": "Rappels en message privé avant vos échéances",
    "action": "action",
    "Turn reminders on or off": "Activer ou désactiver les rappels",
    "on": "activer",
    "off": "désactiver",
    "forget": "oublier",
    "Erase what the assistant keeps about you": "Effacer ce que l'assistant conserve sur vous",
    "Answer with the assistant": "Répondre avec l'assistant",
    "faq": "faq",
    "Post the official answer to a topic, for a candidate": "Publier la réponse officielle d'un sujet pour un candidat",
    "topic": "sujet",
    "The topic (intent) to answer": "Le sujet (intention) à publier",
    "member": "membre",
    "The candidate to answer": "Le candidat à qui répondre",
    "assistant": "assistant",
    "Moderator settings of the admissions assistant": "Réglages modérateurs de l'assistant des admissions",
    "enable": "activer",
    "Answer admissions questions automatically in this channel": "Répondre automatiquement aux questions dans ce salon",
    "disable": "désactiver",
    "Stop answering automatically in this channel": "Ne plus répondre automatiquement dans ce salon",
    "programme": "formation",
    "Bind a programme to this channel or server": "Associer une formation à ce salon ou à ce serveur",
    "The programme (or 'none' to unbind)": "La formation (ou « none » pour dissocier)",
    "scope": "portée",
    "Channel or whole server": "Ce salon ou tout le serveur",
    "channel": "salon",
    "server": "serveur",
    "cooldown": "délai",
    "Minimum seconds between two answers": "Secondes minimum entre deux réponses",
    "seconds": "secondes",
    "Seconds (0 to disable)": "Secondes (0 pour désactiver)",
    "Per user or per channel": "Par personne ou par salon",
    "user": "personne",
    "role": "rôle",
    "Also let members of a role configure the assistant": "Autoriser aussi les membres d'un rôle à régler l'assistant",
    "The role (leave empty to clear)": "Le rôle (vide pour retirer)",
    "stats": "stats",
    "Answers, clarifications, declines, top questions": "Réponses, clarifications, refus, questions fréquentes",
}

MESSAGES: dict[str, dict[Lang, str]] = {
    # the guided checklist and reminders
    "title": {"en": "📝 Personal checklist", "fr": "📝 Liste personnalisée"},
    "pick": {"en": "Choose an answer…", "fr": "Choisissez une réponse…"},
    "remind_button": {"en": "🔔 Remind me by DM", "fr": "🔔 Me le rappeler en MP"},
    "not_yours": {
        "en": "This questionnaire belongs to someone else: run /checklist.",
        "fr": "Ce questionnaire appartient à quelqu'un d'autre : lancez /checklist.",
    },
    "expired": {
        "en": "This questionnaire had expired: here it is again from the start.",
        "fr": "Ce questionnaire avait expiré : le voici depuis le début.",
    },
    "subscribed": {
        "en": "🔔 {count} reminder(s) by direct message, {days} before each date. "
        "Next: {next}. Stop with /remind off, erase everything with /forget.",
        "fr": "🔔 {count} rappel(s) en message privé, {days} avant chaque date. "
        "Prochain : {next}. Arrêt avec /remind off, tout effacer avec /forget.",
    },
    "nothing": {
        "en": "No upcoming deadline to remind you of for this programme.",
        "fr": "Aucune échéance à venir à vous rappeler pour cette formation.",
    },
    "need_checklist": {
        "en": "Run /checklist first (or ask in a channel bound to a programme) so I know which "
        "deadlines concern you.",
        "fr": "Lancez d'abord /checklist (ou demandez dans un salon lié à une formation) pour que "
        "je sache quelles échéances vous concernent.",
    },
    "stopped": {"en": "Reminders stopped ({count} removed).", "fr": "Rappels arrêtés ({count} supprimé(s))."},
    "not_moderator": {
        "en": "Sorry, only moderators can use this command.",
        "fr": "Désolé, seuls les modérateurs peuvent utiliser cette commande.",
    },
    "guild_only": {
        "en": "This command only works in a server.",
        "fr": "Cette commande ne fonctionne que dans un serveur.",
    },
    "cooldown": {
        "en": "Please wait {seconds} s before asking again.",
        "fr": "Merci de patienter {seconds} s avant de reposer une question.",
    },
    "error": {
        "en": "Something went wrong on my side. Please try again later.",
        "fr": "Un problème est survenu de mon côté. Merci de réessayer plus tard.",
    },
    "enabled": {
        "en": "I will now answer admissions questions in {channel}.",
        "fr": "Je réponds désormais aux questions d'admission dans {channel}.",
    },
    "disabled": {
        "en": "I will no longer answer automatically in {channel} (mentions and commands still work).",
        "fr": "Je ne réponds plus automatiquement dans {channel} (mentions et commandes restent actives).",
    },
    "programme_set": {
        "en": "Programme for this {scope}: {programme}.",
        "fr": "Formation pour ce {scope} : {programme}.",
    },
    "programme_cleared": {
        "en": "No programme bound to this {scope}.",
        "fr": "Aucune formation associée à ce {scope}.",
    },
    "unknown_programme": {"en": "Unknown programme: {programme}.", "fr": "Formation inconnue : {programme}."},
    "scope_channel": {"en": "channel", "fr": "salon"},
    "scope_server": {"en": "server", "fr": "serveur"},
    "cooldown_set": {
        "en": "Cooldown per {scope}: {seconds} s.",
        "fr": "Délai par {scope} : {seconds} s.",
    },
    "scope_user": {"en": "user", "fr": "personne"},
    "role_set": {
        "en": "Members of {role} can now configure the assistant.",
        "fr": "Les membres de {role} peuvent désormais régler l'assistant.",
    },
    "role_cleared": {
        "en": "No extra moderator role: Manage Messages is required.",
        "fr": "Aucun rôle modérateur en plus : il faut la permission Gérer les messages.",
    },
    "stats_title": {"en": "Assistant statistics", "fr": "Statistiques de l'assistant"},
    "answered": {"en": "Answered", "fr": "Répondues"},
    "clarified": {"en": "Clarified", "fr": "Clarifiées"},
    "declined": {"en": "Declined", "fr": "Refusées"},
    "feedback": {"en": "Feedback", "fr": "Avis"},
    "top_questions": {"en": "Top questions", "fr": "Questions fréquentes"},
    "top_unanswered": {"en": "Top unanswered", "fr": "Sans réponse fréquentes"},
    "none": {"en": "none", "fr": "aucune"},
    "unknown_topic": {"en": "Unknown topic: {topic}.", "fr": "Sujet inconnu : {topic}."},
    "faq_posted": {"en": "Posted.", "fr": "Publié."},
    "only_asker": {
        "en": "Only the person who asked or a moderator can do this.",
        "fr": "Seule la personne qui a posé la question ou un modérateur peut faire cela.",
    },
    "only_asker_feedback": {
        "en": "Only the person who asked can rate this answer.",
        "fr": "Seule la personne qui a posé la question peut évaluer cette réponse.",
    },
    "thanks_feedback": {"en": "Thanks for your feedback!", "fr": "Merci pour votre avis !"},
    "remove": {"en": "Remove", "fr": "Retirer"},
    "helpful": {"en": "Helpful", "fr": "Utile"},
    "not_helpful": {"en": "Not helpful", "fr": "Pas utile"},
    "links": {"en": "Links", "fr": "Liens"},
    "source": {"en": "Source", "fr": "Source"},
    "no_text": {
        "en": "I could not read that message (empty, or message content is not available to me).",
        "fr": "Je n'ai pas pu lire ce message (vide, ou son contenu ne m'est pas accessible).",
    },
    "not_sure": {
        "en": "I am not sure I can answer this one; a moderator may help.",
        "fr": "Je ne suis pas sûr de pouvoir répondre ; un modérateur pourra aider.",
    },
    "posted_answer": {"en": "Answer posted.", "fr": "Réponse publiée."},
    "forgotten": {
        "en": "Done: your preferences, saved profile and {count} reminder(s) were erased.",
        "fr": "C'est fait : vos préférences, votre profil enregistré et {count} rappel(s) ont été effacés.",
    },
    "dm_closed": {
        "en": "I cannot send you direct messages: allow DMs from server members, then try again.",
        "fr": "Je ne peux pas vous écrire en privé : autorisez les messages privés des membres, puis réessayez.",
    },
}


def lang_of(locale: discord.Locale | str | None) -> Lang:
    """The adapter's language for a Discord locale (French for fr*, English otherwise)."""
    value = locale.value if isinstance(locale, discord.Locale) else (locale or "")
    return "fr" if value.lower().startswith("fr") else "en"


def t(key: str, lang: str, **values: object) -> str:
    """A UI message in `lang`, formatted with `values`."""
    texts = MESSAGES[key]
    text = texts["fr"] if lang == "fr" else texts["en"]
    if "{days}" in text:  # the reminder offsets are the core's, never restated here
        values = {"days": days_before_text(lang), **values}
    return text.format(**values) if values else text


class FrenchTranslator(app_commands.Translator):
    """Gives Discord the French names and descriptions of every command (English is the default)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.french:
            return None
        return FRENCH.get(string.message)
