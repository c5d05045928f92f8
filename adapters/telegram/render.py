"""Turning core `Reply` objects into Telegram messages: escaped HTML, split to Telegram's size limit.

Nothing here imports `telegram`: the output is plain data (`Outgoing`), so rendering is tested without a
bot. Every text from the core or the knowledge base is escaped with `html.escape`; the only tags we emit
are <b> and <a href>, which Telegram's HTML parse mode accepts. A message longer than Telegram's 4,096
characters is split between paragraphs, and a single over-long paragraph is cut at a line break or a
space (never inside a tag or an entity).
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.kb.catalogue import t
from assistant.reply import Button, Reply, colon

if TYPE_CHECKING:
    from assistant.service import Message

MAX_MESSAGE = 4096
"""Telegram's limit for a message text. We measure the HTML source in UTF-16 units, which is never less
than what Telegram counts (the text after entity parsing), so a rendered chunk always fits."""
MAX_CALLBACK_DATA = 64
MAX_BUTTON_LABEL = 60
LIST_BULLET = "• "


def tg_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Span:
    """A run of plain text, optionally bold or a link; `html()` escapes it."""

    text: str
    bold: bool = False
    href: str | None = None

    def html(self, text: str | None = None) -> str:
        body = html.escape(self.text if text is None else text, quote=False)
        if self.href is not None:
            return f'<a href="{html.escape(self.href, quote=True)}">{body}</a>'
        return f"<b>{body}</b>" if self.bold else body

    def overhead(self) -> int:
        """UTF-16 length of the tags around the text."""
        return tg_len(self.html("")) if (self.bold or self.href is not None) else 0


Paragraph = Sequence[Span]


@dataclass(frozen=True)
class KeyButton:
    label: str
    data: str


@dataclass
class Outgoing:
    """One Telegram message to send: HTML text and an optional inline keyboard (rows of buttons)."""

    html: str
    keyboard: list[list[KeyButton]] = field(default_factory=list)


class CallbackCodec:
    """Maps button actions to callback data of at most 64 bytes, as Telegram requires.

    Core actions are <= 60 bytes and pass through unchanged (so they survive a restart); a longer action
    is replaced by a short key kept in a bounded in-memory table. A key that was evicted decodes to None
    (the adapter then says the button expired).
    """

    KEY_PREFIX = "~"

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._table: OrderedDict[str, str] = OrderedDict()
        self._next = 0

    def encode(self, action: str) -> str:
        size = len(action.encode("utf-8"))
        if 1 <= size <= MAX_CALLBACK_DATA and not action.startswith(self.KEY_PREFIX):
            return action
        self._next += 1
        key = f"{self.KEY_PREFIX}{self._next}"
        self._table[key] = action
        while len(self._table) > self.capacity:
            self._table.popitem(last=False)
        return key

    def decode(self, data: str) -> str | None:
        if data.startswith(self.KEY_PREFIX):
            return self._table.get(data)
        return data


def short_label(label: str, limit: int = MAX_BUTTON_LABEL) -> str:
    label = " ".join(label.split()) or "…"
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def keyboard(buttons: Iterable[Button], codec: CallbackCodec, per_row: int = 1) -> list[list[KeyButton]]:
    """Inline keyboard rows for core buttons (`per_row` buttons to a row)."""
    keys = [KeyButton(short_label(b.label), codec.encode(b.action)) for b in buttons]
    return [keys[i : i + per_row] for i in range(0, len(keys), per_row)]


# paragraphs -----------------------------------------------------------------------------------------------
def text_paragraphs(text: str) -> list[Paragraph]:
    """Plain text (paragraphs separated by blank lines) as paragraphs; lines "- x" become bullets."""
    out: list[Paragraph] = []
    for block in text.split("\n\n"):
        block = block.strip("\n")
        if block.strip():
            out.append([Span(_bullets(block))])
    return out


def _bullets(block: str) -> str:
    lines = block.split("\n")
    if all(line.startswith("- ") for line in lines if line.strip()):
        return "\n".join(LIST_BULLET + line[2:] if line.startswith("- ") else line for line in lines)
    return block


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _link_spans(label: str, url: str) -> list[Span]:
    # Telegram only accepts web (and tg://) addresses in <a href>; anything else is shown as text.
    return [Span(label, href=url)] if _is_web_url(url) else [Span(f"{label}: {url}")]


def reply_paragraphs(reply: Reply) -> list[Paragraph]:
    """The reply's title, blocks, extra links and source as paragraphs of spans."""
    out: list[Paragraph] = []
    if reply.title:
        out.append([Span(reply.title, bold=True)])
    for block in reply.blocks:
        out.extend(text_paragraphs(block))
    extra = [lk for lk in reply.links if reply.source is None or lk.url != reply.source.url]
    if extra:
        spans: list[Span] = []
        for i, link in enumerate(extra):
            spans.append(Span(("\n" if i else "") + LIST_BULLET))
            spans.extend(_link_spans(link.label, link.url))
        out.append(spans)
    if reply.source is not None:
        prefix = t("source", reply.language) + colon(reply.language)
        out.append([Span(prefix), *_link_spans(reply.source.label, reply.source.url)])
    return out


# splitting -------------------------------------------------------------------------------------------------
def _cut(text: str, span: Span, room: int) -> int:
    """How many characters of `text` fit in `room` UTF-16 units once escaped and tagged (0 if none).

    Prefers to cut after a line break, then after a space, when one lies in the second half of what fits.
    """
    budget = room - span.overhead()
    used = 0
    fit = 0
    for ch in text:
        cost = tg_len(html.escape(ch, quote=False))
        if used + cost > budget:
            break
        used += cost
        fit += 1
    if fit >= len(text) or fit == 0:
        return fit
    for sep in ("\n", " "):
        pos = text.rfind(sep, 0, fit)
        if pos >= fit // 2 and pos > 0:
            return pos + 1
    return fit


def split_paragraph(paragraph: Paragraph, limit: int = MAX_MESSAGE) -> list[str]:
    """A paragraph as HTML fragments of at most `limit` UTF-16 units each (usually just one)."""
    whole = "".join(span.html() for span in paragraph)
    if tg_len(whole) <= limit:
        return [whole] if whole.strip() else []
    fragments: list[str] = []
    current = ""
    for span in paragraph:
        text = span.text
        while text:
            n = _cut(text, span, limit - tg_len(current))
            if n == 0:
                if not current:  # cannot happen with a sane limit; guard against an endless loop
                    raise ValueError(f"limit {limit} too small for one character")
                fragments.append(current)
                current = ""
                continue
            head, text = text[:n], text[n:]
            current += span.html(head.rstrip(" \n") if text else head)
            if text:
                fragments.append(current)
                current = ""
                text = text.lstrip(" \n")
    if current:
        fragments.append(current)
    return [f for f in fragments if f.strip()]


def pack(paragraphs: Iterable[Paragraph], limit: int = MAX_MESSAGE) -> list[str]:
    """Join paragraphs with blank lines into as few messages as fit, splitting only between paragraphs
    unless a paragraph alone is too long."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        for fragment in split_paragraph(paragraph, limit):
            candidate = f"{current}\n\n{fragment}" if current else fragment
            if tg_len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = fragment
    if current:
        messages.append(current)
    return messages


def render_reply(reply: Reply, codec: CallbackCodec, limit: int = MAX_MESSAGE) -> list[Outgoing]:
    """A core reply as Telegram messages; clarification choices and then follow-up suggestions become the
    inline keyboard of the last message."""
    texts = pack(reply_paragraphs(reply), limit) or ["…"]  # Telegram refuses an empty message
    rows = keyboard(reply.buttons, codec) + keyboard(reply.suggestions, codec)
    out = [Outgoing(text) for text in texts]
    out[-1].keyboard = rows
    return out


def render_text(
    text: str, rows: list[list[KeyButton]] | None = None, limit: int = MAX_MESSAGE
) -> list[Outgoing]:
    """Adapter text (plain, unescaped) as Telegram messages with an optional keyboard on the last one."""
    texts = pack(text_paragraphs(text), limit) or ["…"]
    out = [Outgoing(t) for t in texts]
    out[-1].keyboard = rows or []
    return out


def render_message(message: Message, codec: CallbackCodec, limit: int = MAX_MESSAGE) -> list[Outgoing]:
    """A service message as Telegram messages: its title in bold, its text or reply, a checklist as
    text; its choices, then 👍 👎, as the inline keyboard of the last one. (Files are sent apart.)"""
    from assistant.checklist import render_text as checklist_text

    paragraphs: list[Paragraph] = []
    if message.title:
        paragraphs.append([Span(message.title, bold=True)])
    if message.text:
        paragraphs.extend(text_paragraphs(message.text))
    rows: list[list[KeyButton]] = []
    if message.reply is not None:
        paragraphs.extend(reply_paragraphs(message.reply))
        rows += keyboard(message.reply.buttons, codec) + keyboard(message.reply.suggestions, codec)
    if message.checklist is not None:
        paragraphs.extend(text_paragraphs(checklist_text(message.checklist)))
    per_row = 2 if len(message.buttons) > 3 else 1
    rows += keyboard(message.buttons, codec, per_row=per_row)
    if message.feedback:
        rows += keyboard(message.feedback, codec, per_row=len(message.feedback))
    if not paragraphs:
        return []
    out = [Outgoing(text) for text in pack(paragraphs, limit) or ["…"]]
    out[-1].keyboard = rows
    return out
