"""Benchmark of the shared core: throughput, latency, start-up time, memory; bundled and 200x40 KBs.

Prints figures; asserts nothing. Run: `python bench/assistant_bench.py` (or `make bench`).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.engine import Assistant  # noqa: E402
from assistant.kb.loader import default_root, load  # noqa: E402

QUESTIONS = [
    "c'est quand la date limite pour l'enjmin ?",
    "What documents does IIM require?",
    "les oraux c'est quand",
    "je suis étranger, je peux candidater ?",
    "combien les frais de dossier iim",
    "recette de crêpes",
    "Is the master taught in English?",
    "kan c les résultats",
    "j'ai redoublé, quels relevés ?",
    "bonjour",
    "mon master obligatoire ?",
    "I can't upload my file on the platform",
    "quel temps demain",
    "VAPP c'est quoi",
    "Bonjour, j'ai un BTS et 2 ans en studio. Je peux tenter le master de l'école de jeux d'Angoulême ?",
    "c quand la date limite ? et il faut quels documents ?",
    "frais ?",
]


def latency(assistant: Assistant, questions: list[str], rounds: int) -> tuple[float, float, float]:
    times = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            assistant.ask(q)
            times.append(time.perf_counter() - t)
    times.sort()
    total = sum(times)
    return len(times) / total, statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000


def jsonl_throughput(n: int = 6000) -> float:
    payload = "\n".join(random.choice(QUESTIONS) for _ in range(n)) + "\n"
    cmd = [
        sys.executable,
        "-c",
        "import sys,time;"
        "import assistant.engine as e;a=e.Assistant.load();t0=time.perf_counter();"
        "from assistant.batch import Batch, run;"
        "run(Batch(a),sys.stdin.buffer,sys.stdout.buffer);"
        "sys.stderr.write(str(time.perf_counter()-t0))",
    ]
    out = subprocess.run(cmd, input=payload, capture_output=True, text=True, cwd=ROOT, check=True)
    return n / float(out.stderr.strip().splitlines()[-1])


def single_ask_seconds(runs: int = 5) -> float:
    best = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "adapters.cli", "ask", "date limite enjmin"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        best.append(time.perf_counter() - t)
    return statistics.median(best)


def resident_mb() -> float:
    """Resident memory of a fresh process that loaded the bundled knowledge base and answered once."""
    code = (
        "import resource;from assistant.engine import Assistant;a=Assistant.load();a.ask('date limite enjmin');"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def generated_kb(programmes: int = 200, topics: int = 40, own_examples: int = 2) -> Path:
    """A large synthetic KB: the shared files, and `programmes` copies of the ENJMIN file with their own
    ids and names, each answering `topics` topics with `own_examples` examples of its own per answer."""
    import yaml

    base = default_root()
    tmp = Path(tempfile.mkdtemp(prefix="bench-kb-"))
    for name in ("topics.yaml", "glossary.yaml", "texts.yaml", "profile.yaml"):
        shutil.copy(base / name, tmp / name)
    source = yaml.safe_load((base / "enjmin.yaml").read_text(encoding="utf-8"))
    shared = yaml.safe_load((base / "topics.yaml").read_text(encoding="utf-8"))
    faq = [t["id"] for t in shared["topics"] if t.get("kind", "faq") == "faq"]
    answers = {a["topic"]: a for a in source["answers"]}
    words = ["alpha", "bravo", "delta", "echo", "gamma", "kilo", "lima", "oscar", "sierra", "tango"]
    for p in range(programmes):
        data = json.loads(json.dumps(source, default=str))
        pid = f"prog{p:03d}"
        data["programme"]["id"] = pid
        data["programme"]["aliases"] = [f"ecole{p:03d}", f"school {p:03d}"]
        data["programme"]["descriptions"] = [f"{words[p % len(words)]} campus {p:03d}"]
        out = []
        for k, topic in enumerate(faq[:topics]):
            answer = json.loads(json.dumps(answers.get(topic) or {"answer": answers["selection"]["answer"]}))
            answer["topic"] = topic
            answer["follow_ups"] = []
            answer.pop("short", None)
            sample = shared["topics"][[t["id"] for t in shared["topics"]].index(topic)]["examples"]
            answer["examples"] = {
                lang: [f"{q} ecole{p:03d} {words[k % len(words)]}" for q in sample[lang][:own_examples]]
                for lang in ("fr", "en")
            }
            out.append(answer)
        data["answers"] = out
        (tmp / f"{pid}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp


def main() -> None:
    t = time.perf_counter()
    load()
    print(f"load bundled knowledge base: {(time.perf_counter() - t) * 1000:.1f} ms (after imports)")
    t = time.perf_counter()
    assistant = Assistant.load()
    print(f"bundled knowledge base and topic model (warm cache): {(time.perf_counter() - t) * 1000:.0f} ms")
    qps, p50, p99 = latency(assistant, QUESTIONS, 200)
    print(f"bundled KB: {qps:,.0f} questions/s in-process, p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    print(f"ask --jsonl throughput after start-up: {jsonl_throughput():,.0f} questions/s")
    print(f"single `candidate-assistant ask` process (warm model cache): {single_ask_seconds():.3f} s")
    print(f"resident memory of one process answering: {resident_mb():.0f} MB")
    path = generated_kb()
    cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    os.environ["CANDIDATE_ASSISTANT_CACHE"] = str(cache)
    t = time.perf_counter()
    big = Assistant.load(path, progress=lambda _msg: None)
    cold = time.perf_counter() - t
    code = (
        "import sys,time;t=time.perf_counter();from assistant.engine import Assistant;"
        f"a=Assistant.load({str(path)!r});print(time.perf_counter()-t)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    warm = float(run.stdout.strip())
    s = big.kb.summary()
    print(
        f"generated KB {s['programmes']} programmes x {s['answers'] // s['programmes']} topics "
        f"({s['examples']:,} examples): first load with training {cold:.1f} s, "
        f"warm load in a new process (imports included) {warm:.1f} s"
    )
    questions = QUESTIONS + [f"ecole{p:03d} date limite" for p in range(0, 200, 7)]
    qps, p50, p99 = latency(big, questions, 5)
    print(f"generated KB: {qps:,.0f} questions/s, p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    longest = max(
        len(big.ask(q).plain_text())
        for q in ("frais ?", "quelle est la date limite ?", "recette de crêpes", "bonjour")
    )
    print(f"generated KB: longest clarify/decline/answer reply {longest} characters (Telegram limit 4,096)")
    print(
        f"peak memory of this bench process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
