"""Rendering without a bot: escaping, splitting to Telegram's limit, callback data size."""

from __future__ import annotations

import pytest
from fake_bot_api import EntityParseError, parse_html, utf16_len
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.telegram.render import (
    MAX_MESSAGE,
    CallbackCodec,
    Span,
    keyboard,
    pack,
    render_reply,
    split_paragraph,
    tg_len,
)
from assistant.reply import Button, Link, Reply


def reply(**kw: object) -> Reply:
    base: dict[str, object] = {"decision": "answer", "language": "en", "blocks": ["Hello"]}
    base.update(kw)
    return Reply(**base)  # type: ignore[arg-type]


def test_everything_is_escaped_and_well_formed() -> None:
    r = reply(
        title="R&D <2026>",
        blocks=["a < b && c > d", "- x & y\n- <z>"],
        source=Link(label='Page "officielle" & co', url="https://example.org/?a=1&b=<2>"),
    )
    [out] = render_reply(r, CallbackCodec())
    plain = parse_html(out.html)
    assert "<b>R&amp;D &lt;2026&gt;</b>" in out.html
    assert "a < b && c > d" in plain
    assert "• x & y\n• <z>" in plain
    assert 'href="https://example.org/?a=1&amp;b=&lt;2&gt;"' in out.html
    assert plain.endswith('Source: Page "officielle" & co')


def test_non_web_links_are_text_not_tags() -> None:
    r = reply(links=[Link(label="Mail", url="mailto:x@y.fr")])
    [out] = render_reply(r, CallbackCodec())
    assert "<a" not in out.html
    assert "Mail: mailto:x@y.fr" in parse_html(out.html)


def test_long_reply_splits_on_paragraph_boundaries() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(20)]
    out = render_reply(reply(blocks=paragraphs), CallbackCodec())
    assert len(out) > 1
    texts = [parse_html(o.html) for o in out]
    assert all(utf16_len(t) <= MAX_MESSAGE for t in texts)
    # no paragraph was cut: each message holds whole paragraphs
    rebuilt = "\n\n".join(texts)
    assert rebuilt == "\n\n".join(paragraphs)


def test_single_overlong_paragraph_is_hard_split_without_breaking_entities() -> None:
    text = "&<>" * 3000  # 9,000 characters, 27,000 once escaped, no space to cut at
    fragments = split_paragraph([Span(text)])
    assert len(fragments) > 1
    assert all(tg_len(f) <= MAX_MESSAGE for f in fragments)
    assert "".join(parse_html(f) for f in fragments) == text


def test_overlong_paragraph_prefers_spaces() -> None:
    words = " ".join(f"w{i}" for i in range(3000))
    fragments = split_paragraph([Span(words)])
    assert len(fragments) > 1
    assert " ".join(parse_html(f) for f in fragments) == words


def test_overlong_bold_span_keeps_tags_balanced() -> None:
    fragments = split_paragraph([Span("x" * 5000, bold=True)])
    assert all(f.startswith("<b>") and f.endswith("</b>") and tg_len(f) <= MAX_MESSAGE for f in fragments)


def test_keyboard_rows_and_callback_data_never_exceed_64_bytes() -> None:
    codec = CallbackCodec()
    long_action = "intent:" + "é" * 40  # 87 bytes
    rows = keyboard([Button(label="A", action="intent:a"), Button(label="B", action=long_action)], codec)
    assert rows[0][0].data == "intent:a"
    key = rows[1][0].data
    assert len(key.encode()) <= 64 and codec.decode(key) == long_action
    out = render_reply(
        reply(
            buttons=[Button(label="Choice", action="programme:x")],
            suggestions=[Button(label="Next " * 30, action="intent:y")],
        ),
        codec,
    )
    labels = [b.label for row in out[-1].keyboard for b in row]
    assert labels[0] == "Choice" and len(labels[1]) <= 60


def test_codec_evicts_oldest_keys() -> None:
    codec = CallbackCodec(capacity=2)
    keys = [codec.encode("qa:" + "x" * 70 + str(i)) for i in range(3)]
    assert codec.decode(keys[0]) is None
    assert codec.decode(keys[2]) is not None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=6), st.booleans())
def test_any_text_renders_to_valid_messages(blocks: list[str], bold: bool) -> None:
    blocks = [b for b in blocks if b.strip()] or ["x"]
    paragraphs = [[Span(b, bold=bold)] for b in blocks]
    for message in pack(paragraphs, limit=1000):
        assert tg_len(message) <= 1000
        parse_html(message)  # raises on any malformed entity


@pytest.mark.parametrize("bad", ["<b>x", "a < b", "x & y", "<script>x</script>", "<b><i>x</b></i>", "x > y"])
def test_fake_server_parser_rejects_what_telegram_rejects(bad: str) -> None:
    with pytest.raises(EntityParseError):
        parse_html(bad)


def test_fake_server_parser_accepts_telegram_html() -> None:
    assert parse_html('<b>a</b> &amp; <a href="https://x.y/?a=1&amp;b=2">l</a> &#233;') == "a & l é"
