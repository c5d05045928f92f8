"""Text and Markdown renderings of a checklist, for the terminal and the chat adapters."""

from __future__ import annotations

import re

from assistant.checklist.fmt import countdown, format_date, format_due
from assistant.checklist.model import Checklist, ChecklistItem
from assistant.checklist.texts import msg
from assistant.reply import colon


def _status(c: Checklist) -> str:
    lang = c.language
    if c.path is None:
        return msg("eligible_unknown", lang)
    word = {True: "eligible_yes", False: "eligible_no", None: "eligible_jury"}[c.eligible]
    return (
        f"{msg(word, lang)} — {msg('path', lang).lower()} : {c.path}"
        if lang == "fr"
        else f"{msg(word, lang)} — {msg('path', lang).lower()}: {c.path}"
    )


def _when(item: ChecklistItem, lang: str) -> str:
    if item.due is None:
        return msg("no_date", lang)
    return f"{format_due(item.due, item.all_day, lang)} — {countdown(item.days_left, lang, item.deadline)}"


def _tags(item: ChecklistItem, lang: str) -> list[str]:
    tags = []
    if not item.required:
        tags.append(msg("optional", lang))
    if item.conditional:
        tags.append(msg("conditional", lang))
    return tags


def render_text(c: Checklist) -> str:
    """Plain text: one numbered entry per item, then missing information and warnings."""
    lang = c.language
    lines = [
        msg("heading", lang, programme=c.programme_name),
        msg("today_is", lang, today=format_date(c.today, lang)),
        "",
        _status(c),
    ]
    if c.reason:
        lines.append(c.reason)
    if c.requires:
        lines.append(f"{msg('requires', lang)}{colon(lang)}{c.requires}")
    if c.warnings:
        lines += ["", msg("warnings", lang).upper()] + [f"! {w}" for w in c.warnings]
    lines += ["", msg("todo", lang).upper()]
    if not c.items:
        lines.append(msg("empty", lang))
    for n, item in enumerate(c.items, 1):
        tags = _tags(item, lang)
        lines.append(f"{n}. [ ] {item.title}" + (f" ({', '.join(tags)})" if tags else ""))
        lines.append(f"   {msg('due', lang)}{colon(lang)}{_when(item, lang)}")
        if item.detail:
            lines.append(f"   {item.detail}")
        lines.append(f"   {msg('why', lang)}{colon(lang)}{item.why}")
        if item.link and item.link.url:
            lines.append(f"   {item.link.label}{colon(lang)}{item.link.url}")
    if c.missing_profile_fields:
        lines += ["", msg("missing", lang).upper()]
        lines += [f"- {m.label}{colon(lang)}{m.changes}" for m in c.missing_profile_fields]
    if c.source:
        lines += [
            "",
            f"Source{colon(lang)}{c.source.label}" + (f" — {c.source.url}" if c.source.url else ""),
        ]
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_escape(text: str) -> str:
    """Markdown-escape a plain text (backslash before every character Markdown could read as syntax)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(c: Checklist) -> str:
    """GitHub-flavoured Markdown with task-list boxes; knowledge-base texts are escaped so a `*` or a
    `[` in them stays a character."""
    lang = c.language
    e = md_escape
    out = [
        f"## {e(msg('heading', lang, programme=c.programme_name))}",
        "",
        f"_{e(msg('today_is', lang, today=format_date(c.today, lang)))}_",
        "",
        f"**{e(_status(c))}**",
    ]
    if c.reason:
        out += ["", e(c.reason)]
    if c.requires:
        out += ["", f"**{e(msg('requires', lang))}**{colon(lang)}{e(c.requires)}"]
    if c.warnings:
        out += ["", f"### ⚠ {e(msg('warnings', lang))}", ""] + [f"- {e(w)}" for w in c.warnings]
    out += ["", f"### {e(msg('todo', lang))}", ""]
    if not c.items:
        out.append(e(msg("empty", lang)))
    for item in c.items:
        tags = [e(tag) for tag in _tags(item, lang)]
        title = f"[{e(item.title)}](<{item.link.url}>)" if item.link and item.link.url else e(item.title)
        flag = " **⚠**" if (item.overdue and item.deadline) or item.late or item.kind == "unmet" else ""
        out.append(f"- [ ] **{title}**{flag}" + (f" _({', '.join(tags)})_" if tags else ""))
        out.append(f"  - {e(msg('due', lang))}{colon(lang)}{e(_when(item, lang))}")
        if item.detail:
            out.append(f"  - {e(item.detail)}")
        out.append(f"  - _{e(msg('why', lang))}{colon(lang)}{e(item.why)}_")
    if c.missing_profile_fields:
        out += ["", f"### {e(msg('missing', lang))}", ""]
        out += [f"- **{e(m.label)}**{colon(lang)}{e(m.changes)}" for m in c.missing_profile_fields]
    if c.source:
        src = f"[{e(c.source.label)}](<{c.source.url}>)" if c.source.url else e(c.source.label)
        out += ["", f"Source{colon(lang)}{src}"]
    return "\n".join(out) + "\n"
