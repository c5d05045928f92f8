"""Text and Markdown renderings of a checklist, for the terminal, files and the chat adapters.

Both lay out the one `ChecklistView` (assistant/checklist/view.py): the wording of every status and
flag is decided there, so the channels cannot drift apart.
"""

from __future__ import annotations

import re

from assistant.checklist.model import Checklist
from assistant.checklist.view import ChecklistView, checklist_view


def render_text(c: Checklist) -> str:
    """Plain text: notices, the verdict, warnings, one numbered entry per item, missing information."""
    v = checklist_view(c)
    sep = v.colon
    lines = [v.heading, v.as_of]
    if v.notices:
        lines += ["", *v.notices]
    lines += ["", v.status]
    if v.reason:
        lines.append(v.reason)
    if v.requires:
        lines.append(f"{v.label('requires')}{sep}{v.requires}")
    if v.warnings:
        lines += ["", v.label("warnings").upper()] + [f"! {w}" for w in v.warnings]
    lines += ["", v.label("todo").upper()]
    if v.empty:
        lines.append(v.empty)
    for item in v.items:
        tags = f" ({', '.join(item.tags)})" if item.tags else ""
        flag = " ⚠" if item.alert else ""
        lines.append(f"{item.number}. [ ] {item.title}{tags}{flag}")
        lines.append(f"   {item.when_label}{sep}{item.when}")
        if item.detail:
            lines.append(f"   {item.detail}")
        lines.append(f"   {v.label('why')}{sep}{item.why}")
        if item.link and item.link.url:
            lines.append(f"   {item.link.label}{sep}{item.link.url}")
    if v.missing:
        lines += ["", v.label("missing").upper()]
        lines += [f"- {label}{sep}{changes}" for label, changes in v.missing]
    lines += _source(v, lambda text: text, lambda label, url: f"{label} — {url}")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_escape(text: str) -> str:
    """Markdown-escape a plain text (backslash before every character Markdown could read as syntax)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(c: Checklist) -> str:
    """GitHub-flavoured Markdown with task-list boxes; knowledge-base texts are escaped so a `*` or a
    `[` in them stays a character."""
    v = checklist_view(c)
    e = md_escape
    sep = v.colon
    out = [f"## {e(v.heading)}", "", f"_{e(v.as_of)}_"]
    if v.notices:
        out += [""] + [f"> {e(n)}" for n in v.notices]
    out += ["", f"**{e(v.status)}**"]
    if v.reason:
        out += ["", e(v.reason)]
    if v.requires:
        out += ["", f"**{e(v.label('requires'))}**{sep}{e(v.requires)}"]
    if v.warnings:
        out += ["", f"### ⚠ {e(v.label('warnings'))}", ""] + [f"- {e(w)}" for w in v.warnings]
    out += ["", f"### {e(v.label('todo'))}", ""]
    if v.empty:
        out.append(e(v.empty))
    for item in v.items:
        link = item.link
        title = f"[{e(item.title)}](<{link.url}>)" if link and link.url else e(item.title)
        flag = " **⚠**" if item.alert else ""
        tags = f" _({', '.join(e(t) for t in item.tags)})_" if item.tags else ""
        out.append(f"- [ ] **{title}**{flag}{tags}")
        out.append(f"  - {e(item.when_label)}{sep}{e(item.when)}")
        if item.detail:
            out.append(f"  - {e(item.detail)}")
        out.append(f"  - _{e(v.label('why'))}{sep}{e(item.why)}_")
    if v.missing:
        out += ["", f"### {e(v.label('missing'))}", ""]
        out += [f"- **{e(label)}**{sep}{e(changes)}" for label, changes in v.missing]
    out += _source(v, e, lambda label, url: f"[{e(label)}](<{url}>)")
    return "\n".join(out) + "\n"


def _source(v: ChecklistView, escape, linked) -> list[str]:  # type: ignore[no-untyped-def]
    if v.source is None:
        return []
    text = linked(v.source.label, v.source.url) if v.source.url else escape(v.source.label)
    return ["", f"Source{v.colon}{text}"]
