"""Knowledge-base text as Telegram shows it: special characters escaped, over-long answers split.

Each test loads the real `Assistant` on a temporary copy of the bundled knowledge base with one
answer changed, and goes through the fake Bot API, which rejects what Telegram would reject.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import JANUARY, Clock, copy_knowledge, running_bot
from fake_bot_api import FakeBotAPI, utf16_len

from assistant.engine import Assistant

DEADLINE_EN = 'en: "Registration for the competition must be finalised (complete file) before {date:deadline}'


async def test_ampersands_and_angle_brackets_are_rendered_safely(
    fake: FakeBotAPI, storage: Any, tmp_path: Path
) -> None:
    tricky = "R&D <b>not bold</b> & <script>x</script> a < b > c &amp; &lt;kept&gt;. "
    kb = copy_knowledge(
        tmp_path, {"enjmin.yaml": (DEADLINE_EN, DEADLINE_EN.replace('en: "', f'en: "{tricky}', 1))}
    )
    assistant = Assistant.load(kb)
    async with running_bot(fake, assistant, storage, clock=Clock(JANUARY)):
        fake.send_text(801, "when is the enjmin application deadline?")
        [answer] = await fake.wait_sent(1, chat_id=801)
    assert not fake.rejected()
    body = answer.plain.split("\n\n", 1)[1]  # after the programme's title
    assert body.startswith(tricky.strip())  # the candidate reads exactly the knowledge-base text
    assert "R&amp;D &lt;b&gt;not bold&lt;/b&gt;" in answer.text
    assert "&amp;amp; &amp;lt;kept&amp;gt;" in answer.text


async def test_over_long_answer_is_split_on_paragraphs(
    fake: FakeBotAPI, storage: Any, tmp_path: Path
) -> None:
    paragraphs = [f"Paragraph {i}: " + " ".join(f"word{j}&<{i}>" for j in range(60)) for i in range(25)]
    huge = "\\n\\n".join(paragraphs)  # a YAML double-quoted string: \n\n are paragraph breaks
    kb = copy_knowledge(
        tmp_path, {"enjmin.yaml": (DEADLINE_EN, DEADLINE_EN.replace('en: "', f'en: "{huge}\\n\\n', 1))}
    )
    assistant = Assistant.load(kb)
    async with running_bot(fake, assistant, storage, clock=Clock(JANUARY)):
        fake.send_text(802, "when is the enjmin application deadline?")
        await fake.wait_for(lambda: any("Source" in c.plain for c in fake.sent(chat_id=802)))
        sent = fake.sent(chat_id=802)
    assert not fake.rejected()
    assert len(sent) >= 3
    assert all(utf16_len(c.plain) <= 4096 for c in sent)
    text = "\n\n".join(c.plain for c in sent)
    assert all(p in text for p in paragraphs)  # nothing lost, no paragraph cut in two
    for c in sent:
        assert c.plain.startswith(("Master's", "Paragraph", "Registration", "The 2026", "Source")), c.plain[
            :40
        ]
    assert sent[-1].buttons()  # the follow-up keyboard goes with the last part
    assert not any(c.buttons() for c in sent[:-1])
