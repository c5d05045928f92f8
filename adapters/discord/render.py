"""Turning the core's `Reply` into Discord embeds and text within Discord's limits.

Why a module of its own: the core hands out plain, unescaped text, and Discord rejects a message
(400, code 50035) as soon as one limit is exceeded. Everything here is pure, so the limits and the
escaping are tested without a network.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

from assistant.checklist.model import Checklist
from assistant.checklist.view import checklist_view
from assistant.kb.catalogue import t
from assistant.reply import Reply

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
NO_MENTIONS = discord.AllowedMentions.none()
"""Every message the bot sends pings nobody (only `/faq` widens it to one candidate)."""
ELLIPSIS = "…"

COLOURS = {"answer": 0x2E7D32, "clarify": 0x1565C0, "decline": 0x757575}


def escape(text: str) -> str:
    """Escape Discord markdown and neutralise @everyone/@here (links are kept clickable)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[: limit - 1]
    # Do not leave a dangling escape backslash before the ellipsis.
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def render_block(block: str) -> str:
    """One paragraph of the core's text, escaped; its "- " lines become Discord bullets."""
    lines = []
    for line in block.splitlines():
        if line.startswith("- "):
            lines.append(f"• {escape(line[2:].strip())}")
        else:
            lines.append(escape(line))
    return "\n".join(lines)


def render_blocks(blocks: Iterable[str]) -> str:
    return "\n\n".join(render_block(b) for b in blocks if b and b.strip())


def _masked_link(label: str, url: str) -> str:
    label = escape(label).replace("[", "(").replace("]", ")")
    if url.startswith(("http://", "https://")) and ")" not in url and " " not in url:
        return f"[{label}]({url})"
    return f"{label}: {url}"


def _fit_lines(lines: list[str], limit: int) -> str:
    """Join whole lines up to `limit` characters (a cut link would be useless)."""
    out: list[str] = []
    size = 0
    for line in lines:
        extra = len(line) + (1 if out else 0)
        if size + extra > limit:
            break
        out.append(line)
        size += extra
    return "\n".join(out) if out else truncate(lines[0], limit) if lines else ""


def reply_embed(reply: Reply, *, language: str | None = None) -> discord.Embed:
    """The embed for a core `Reply`: title, escaped paragraphs, links, source."""
    lang = language or reply.language
    title = truncate(escape(reply.title), TITLE_MAX) if reply.title else None
    url = reply.source.url if reply.source and reply.source.url.startswith(("http://", "https://")) else None
    embed = discord.Embed(
        title=title, url=url if title else None, colour=COLOURS.get(reply.decision, 0x757575)
    )
    source_url = reply.source.url if reply.source else None
    extra_links = [link for link in reply.links if link.url != source_url]
    if extra_links:
        value = _fit_lines([f"• {_masked_link(lk.label, lk.url)}" for lk in extra_links], FIELD_VALUE_MAX)
        embed.add_field(name=t("links", lang), value=value, inline=False)
    if reply.source is not None:
        value = truncate(_masked_link(reply.source.label, reply.source.url), FIELD_VALUE_MAX)
        embed.add_field(name=t("source", lang), value=value, inline=False)
    used = len(title or "") + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    room = min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - used)
    description = render_blocks(reply.blocks)
    embed.description = truncate(description, room) if description else None
    return embed


def reply_text(reply: Reply, limit: int = CONTENT_MAX) -> str:
    """The reply as one escaped message (DM reminders, fallbacks), at most `limit` characters."""
    parts = []
    if reply.title:
        parts.append(f"**{escape(reply.title)}**")
    parts.append(render_blocks(reply.blocks))
    if reply.source is not None:
        parts.append(f"{t('source', reply.language)}: {_masked_link(reply.source.label, reply.source.url)}")
    return truncate("\n\n".join(p for p in parts if p), limit)


def quote_question(text: str, limit: int = 300) -> str:
    """A candidate's question shown back to them: escaped, mention-proof, short."""
    return truncate(escape(" ".join(text.split())), limit)


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6,000 embed total."""
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    size += len(embed.footer.text or "") + len(embed.author.name or "")
    return size


def text_embed(title: str | None, text: str, colour: int = COLOURS["clarify"]) -> discord.Embed:
    """An interface text (a questionnaire question, statistics) as an embed with a title."""
    return discord.Embed(
        title=truncate(escape(title), TITLE_MAX) if title else None,
        description=truncate(render_blocks(text.split("\n\n")), DESCRIPTION_MAX) or None,
        colour=colour,
    )


def text_content(text: str) -> str:
    """An interface text as message content: escaped, lists as bullets, within 2,000 characters."""
    return truncate(render_blocks(text.split("\n\n")), CONTENT_MAX)


def checklist_embed(checklist: Checklist, budget: int = EMBED_TOTAL_MAX) -> discord.Embed:
    """A personalised checklist as one embed: status, then one field per item while room remains.

    `budget` is what is left of Discord's 6,000 characters once the message's other embeds are counted.
    The complete list always travels as attachments (.ics and text), so trimming here loses nothing.
    """
    v = checklist_view(checklist)  # the wording every channel shares: only the layout is Discord's
    sep = v.colon
    title = truncate(escape(v.heading), TITLE_MAX)
    lines = [escape(notice) for notice in v.notices] + [f"**{escape(v.status)}**"]
    if v.reason:
        lines.append(escape(v.reason))
    if v.requires:
        lines.append(f"{escape(v.label('requires'))}{sep}{escape(v.requires)}")
    for warning in v.warnings:
        lines.append(f"⚠ {escape(warning)}")
    if v.missing:
        lines.append(f"\n**{escape(v.label('missing'))}**")
        lines += [f"• {escape(label)}{sep}{escape(changes)}" for label, changes in v.missing]
    if v.empty:
        lines.append(escape(v.empty))
    embed = discord.Embed(
        title=title, colour=COLOURS["answer"], description=truncate("\n".join(lines), DESCRIPTION_MAX // 2)
    )
    embed.set_footer(text=truncate(v.as_of, FOOTER_MAX))
    for n, item in enumerate(v.items, 1):
        tags = f" ({', '.join(item.tags)})" if item.tags else ""
        flag = " ⚠" if item.alert else ""
        name = truncate(f"{n}. {escape(item.title + tags)}{flag}", FIELD_NAME_MAX)
        parts = [f"{escape(item.when_label)}{sep}{escape(item.when)}"]
        if item.detail:
            parts.append(escape(item.detail))
        parts.append(f"*{escape(v.label('why'))}{sep}{escape(item.why)}*")
        if item.link and item.link.url:
            parts.append(_masked_link(item.link.label, item.link.url))
        value = truncate("\n".join(parts), FIELD_VALUE_MAX)
        if len(embed.fields) >= FIELDS_MAX - 1 or embed_size(embed) + len(name) + len(value) > budget - 100:
            rest = len(checklist.items) - n + 1
            note = t("checklist_full_list", v.language)
            embed.add_field(name="…", value=f"+{rest} · 📎 {note}", inline=False)
            break
        embed.add_field(name=name, value=value, inline=False)
    return embed
