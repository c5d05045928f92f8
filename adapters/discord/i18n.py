"""Discord's command names and descriptions, in English and French, from the text catalogue.

Discord wants every command's English name and description when the commands are declared (class
definition time for a Cog) and the translations when they are synced. Both come from the knowledge
base's catalogue: `described(key)` reads the English text of `key` now and marks it with its key, and
`FrenchTranslator` gives Discord the French text of that key at sync time. Names of commands, options
and choices are translated through the `name_<name>` and `choice_<value>` keys.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from assistant.kb import catalogue

Lang = Literal["fr", "en"]


def lang_of(locale: discord.Locale | str | None) -> Lang:
    """The language for a Discord locale (French for fr*, English otherwise)."""
    value = locale.value if isinstance(locale, discord.Locale) else (locale or "")
    return "fr" if value.lower().startswith("fr") else "en"


def described(key: str) -> app_commands.locale_str:
    """The English text of catalogue `key` (a command's or an option's description), marked with the
    key for the translator."""
    return app_commands.locale_str(catalogue.t(key, "en"), key=key)


def named(name: str) -> app_commands.locale_str:
    """A command's or option's English name, translated through `name_<name>`."""
    return app_commands.locale_str(name, key=f"name_{name}")


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
        kb = catalogue.active()
        key = string.extras.get("key")
        if key is None:
            location = context.location
            if location is app_commands.TranslationContextLocation.choice_name:
                key = f"choice_{string.message}"
            else:
                key = f"name_{string.message}"
        return kb.texts[key].fr if key in kb.texts else None
