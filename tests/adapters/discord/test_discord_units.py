"""Pure parts of the Discord adapter: rendering within Discord's limits, buttons, cooldowns, moderators."""

from __future__ import annotations

from datetime import UTC, date, datetime

import discord
import discord_harness  # noqa: F401 - puts the repository on sys.path
import pytest
from fake_discord import validate_message
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.bot import DiscordConfig
from adapters.discord.i18n import FrenchTranslator, lang_of
from adapters.discord.moderation import is_moderator
from adapters.discord.render import (
    EMBED_TOTAL_MAX,
    checklist_embed,
    embed_size,
    escape,
    reply_embed,
    reply_text,
    truncate,
)
from adapters.discord.views import build_view
from assistant.checklist.model import Checklist, ChecklistItem, ItemLink, MissingField
from assistant.kb.catalogue import active
from assistant.reply import Button, Link, Reply

PIECES = [*"ab *_~`|>#-[]()@\\\n", "@everyone", "@here", "<@&123>", "é", "word " * 40]
nasty = st.lists(st.sampled_from(PIECES), max_size=300).map("".join)


def discord_errors(embed: discord.Embed) -> dict:
    return validate_message({"embeds": [embed.to_dict()]}, [])


@settings(max_examples=60, deadline=None)
@given(
    title=st.one_of(st.none(), nasty),
    blocks=st.lists(nasty, max_size=6),
    links=st.lists(
        st.tuples(nasty, st.sampled_from(["https://a.b/c_d", "mailto:x@y.z", "not a url"])), max_size=40
    ),
    decision=st.sampled_from(["answer", "clarify", "decline"]),
)
def test_any_reply_renders_within_discord_limits(title, blocks, links, decision) -> None:
    reply = Reply(
        decision=decision,
        language="en",
        title=title,
        blocks=blocks,
        links=[Link(label=label or "x", url=url) for label, url in links],
        source=Link(label="Official page", url="https://example.org/page"),
    )
    embed = reply_embed(reply)
    assert discord_errors(embed) == {}
    assert embed_size(embed) <= EMBED_TOTAL_MAX
    text = reply_text(reply)
    assert len(text) <= 2000
    for rendered in (embed.description or "", text):
        assert "@everyone" not in rendered and "@here" not in rendered


def test_lists_and_markdown_are_rendered_safely() -> None:
    reply = Reply(decision="answer", language="fr", blocks=["Intro *important*", "- un_deux\n- trois"])
    assert reply_embed(reply).description == "Intro \\*important\\*\n\n• un\\_deux\n• trois"


def test_truncate_never_exceeds_and_never_ends_on_an_escape() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcdef", 4) == "abc…"
    cut = truncate(escape("a" * 8 + "*" * 10), 12)
    assert len(cut) <= 12 and not cut.removesuffix("…").endswith("\\")


@pytest.mark.parametrize("choices", [3, 14, 30])
def test_views_respect_component_limits(choices: int) -> None:
    many = [Button(label="L" * 200, action=f"topic:topic{i}@iim#123456789012345678") for i in range(choices)]
    feedback = [Button(label="👍", action="fb:y.7#1"), Button(label="👎", action="fb:n.7#1")]
    view = build_view(many, many, feedback, lang="en", remove_for=123456789012345678)
    assert view is not None
    payload = {"content": "x", "components": view.to_components()}
    assert validate_message(payload, []) == {}
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert "ca:rm:123456789012345678" in ids and "ca:a:fb:y.7#1" in ids
    assert all(len(i) <= 100 for i in ids)
    selects = [c for row in view.to_components() for c in row["components"] if c["type"] == 3]
    assert bool(selects) == (choices > 15)  # more choices than rows of buttons: a select menu


def test_nothing_to_press_is_no_view() -> None:
    assert build_view([], [], [], lang="en") is None


def test_checklist_embed_fits_however_long_the_checklist() -> None:
    items = [
        ChecklistItem(
            id=f"document:d{i}",
            kind="document",
            title="T" * 300,
            detail="D" * 2000,
            why="W" * 500,
            due=datetime(2026, 1, 23, 12, tzinfo=UTC),
            days_left=13,
            link=ItemLink(label="l", url="https://x.y"),
        )
        for i in range(40)
    ]
    checklist = Checklist(
        programme="enjmin",
        programme_name="ENJMIN",
        language="fr",
        today=date(2026, 1, 10),
        eligible=None,
        path=None,
        items=items,
        warnings=["w" * 3000],
        missing_profile_fields=[MissingField(field="f", label="L", changes="C" * 500)],
    )
    embed = checklist_embed(checklist)
    assert discord_errors(embed) == {}
    assert embed.title == "Votre liste personnalisée — ENJMIN"
    assert embed.fields[-1].name == "…"  # the rest is in the attached files, and the embed says so
    assert embed.fields[-1].value.endswith("La liste complète est dans les fichiers joints.")


def _member(permissions: int, role_name: str = "Candidates") -> discord.Member:
    state = discord.Client(intents=discord.Intents.none())._connection
    guild_data = {
        "id": "1",
        "name": "g",
        "owner_id": "99",
        "roles": [
            {
                "id": "1",
                "name": "@everyone",
                "permissions": "0",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            },
            {
                "id": "2",
                "name": role_name,
                "permissions": str(permissions),
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            },
        ],
    }
    guild = discord.Guild(data=guild_data, state=state)  # type: ignore[arg-type]
    data = {
        "user": {"id": "5", "username": "u", "discriminator": "0", "avatar": None},
        "roles": ["2"],
        "joined_at": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    return discord.Member(data=data, guild=guild, state=state)  # type: ignore[arg-type]


def test_moderators_by_permission_or_role() -> None:
    assert is_moderator(_member(discord.Permissions(manage_messages=True).value))
    assert not is_moderator(_member(0))
    assert is_moderator(_member(0, "Admissions staff"), roles=["Admissions staff"])
    assert is_moderator(_member(0), roles=["2"])
    assert not is_moderator(_member(0), discord.Permissions.none(), roles=["Other"])


async def test_french_translations_follow_discord_name_rules() -> None:
    translator = FrenchTranslator()
    context = discord.app_commands.TranslationContext(
        discord.app_commands.TranslationContextLocation.other, None
    )
    assert (
        await translator.translate(discord.app_commands.locale_str("ask"), discord.Locale.french, context)
        == "demander"
    )
    assert (
        await translator.translate(discord.app_commands.locale_str("ask"), discord.Locale.german, context)
        is None
    )
    assert lang_of(discord.Locale.french) == "fr" and lang_of(discord.Locale.british_english) == "en"
    texts = active().texts
    names = {key: text for key, text in texts.items() if key.startswith("name_")}
    assert names
    for key, text in names.items():  # Discord's rule for command and option names
        assert text.en == key.removeprefix("name_"), key
        for name in (text.fr, text.en):
            assert name == name.lower() and " " not in name and len(name) <= 32, name


def test_config_from_environment() -> None:
    config = DiscordConfig.from_env(
        {
            "DISCORD_API_BASE": "http://127.0.0.1:1/api/v10",
            "DISCORD_MODERATOR_ROLES": "Staff, 42",
            "DISCORD_SYNC_GUILDS": "1,2",
            "DISCORD_MESSAGE_CONTENT": "0",
        }
    )
    assert config.api_base == "http://127.0.0.1:1/api/v10"
    assert config.moderator_roles == ("Staff", "42") and config.sync_guild_ids == (1, 2)
    assert config.message_content is False and config.gateway_url is None
    assert config.limits is not None and config.limits.messages == 6 and config.limits.seconds == 30


def test_the_former_channel_cooldown_variable_still_counts() -> None:
    assert DiscordConfig.from_env({"DISCORD_CHANNEL_COOLDOWN": "10"}).limits.channel_cooldown == 10
    both = {"DISCORD_CHANNEL_COOLDOWN": "10", "CANDIDATE_ASSISTANT_CHANNEL_COOLDOWN": "5"}
    assert DiscordConfig.from_env(both).limits.channel_cooldown == 5


def test_bad_environment_values_are_named() -> None:
    with pytest.raises(ValueError, match="CANDIDATE_ASSISTANT_FLOOD"):
        DiscordConfig.from_env({"CANDIDATE_ASSISTANT_FLOOD": "six per minute"})
    with pytest.raises(ValueError, match="DISCORD_AUTO_ANSWER_THRESHOLD"):
        DiscordConfig.from_env({"DISCORD_AUTO_ANSWER_THRESHOLD": "high"})
