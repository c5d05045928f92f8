"""Live knowledge-base reload: how long a running bot takes to check and swap in an edit.

Prints figures, asserts nothing about speed. On a copy of the bundled knowledge folder:

* an answer's text edited (the topic model is the cached one: no training);
* nothing changed (`/reload` on an unchanged folder);
* a refused edit (an unknown fact reference);
* an example added (the model is trained again; with `--no-train` skipped, since it takes 10-80 s).

    .venv/bin/python bench/live_reload_bench.py [--no-train]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.engine import Assistant  # noqa: E402
from assistant.live import LiveKnowledge  # noqa: E402
from assistant.service import ConversationService  # noqa: E402

ANSWER = "doit impérativement être finalisée (dossier complet) avant le {date:deadline}"
EXAMPLE = '        - "c qd la date limite ?"'


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{old!r} not in {name}: update the bench")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def main(train: bool) -> None:
    logging.getLogger("assistant.live").setLevel(logging.ERROR)  # the figures, not the reports
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "knowledge"
        shutil.copytree(ROOT / "knowledge", folder)
        live = LiveKnowledge(ConversationService(Assistant.load(folder), platform="bench"))

        async def measure(label: str) -> None:
            result = await live.reload("bench")
            model = ", new topic model" if result.model_changed else ""
            print(f"  {label:<44} {result.seconds * 1000:>9.0f} ms  {result.status}{model}")

        print("live reload (check + swap, off the event loop):")
        edit(folder, "enjmin.yaml", ANSWER, ANSWER.replace("impérativement", "absolument"))
        await measure("answer text edited (cached model)")
        await measure("nothing changed")
        edit(folder, "enjmin.yaml", "{date:deadline}, sur", "{date:no_such_event}, sur")
        await measure("broken edit (unknown fact reference)")
        edit(folder, "enjmin.yaml", "{date:no_such_event}, sur", "{date:deadline}, sur")
        await measure("broken edit undone (the version in service)")
        if train:  # a fresh model cache, so the model is trained, not read back from an earlier run
            os.environ["CANDIDATE_ASSISTANT_CACHE"] = str(Path(tmp) / "cache")
            edit(folder, "topics.yaml", EXAMPLE, f'{EXAMPLE}\n        - "jusqu a quand on peut deposer ??"')
            await measure("example added (model trained again)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-train", action="store_true", help="skip the edit that retrains the model")
    asyncio.run(main(not parser.parse_args().no_train))
