"""Benchmark of the shared core: throughput, latency, start-up time, memory; bundled and 200x40 KBs.

Prints figures; asserts nothing. Run: `python bench/matcher_bench.py`.
"""

from __future__ import annotations

import json
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
        "import sys,time;from assistant.cli import main;t=time.perf_counter();"
        "sys.argv=['x','ask','--jsonl'];"
        "import assistant.engine as e;a=e.Assistant.load();t0=time.perf_counter();"
        "from assistant.cli import _ask_jsonl;import argparse;"
        "_ask_jsonl(a,argparse.Namespace(programme=None,today=None,lang=None));"
        "sys.stderr.write(str(time.perf_counter()-t0))",
    ]
    out = subprocess.run(cmd, input=payload, capture_output=True, text=True, cwd=ROOT, check=True)
    return n / float(out.stderr.strip().splitlines()[-1])


def single_ask_seconds(runs: int = 5) -> float:
    best = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ask", "date limite enjmin"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        best.append(time.perf_counter() - t)
    return statistics.median(best)


def generated_kb(programmes: int = 200, intents: int = 40) -> Path:
    """A large synthetic KB: copies of the real programmes with renamed ids, aliases and examples."""
    import yaml

    base = default_root()
    tmp = Path(tempfile.mkdtemp(prefix="bench-kb-"))
    shutil.copy(base / "general.yaml", tmp / "general.yaml")
    source = yaml.safe_load((base / "enjmin.yaml").read_text(encoding="utf-8"))
    words = [
        "alpha",
        "bravo",
        "delta",
        "echo",
        "gamma",
        "kilo",
        "lima",
        "oscar",
        "sierra",
        "tango",
        "victor",
        "zulu",
    ]
    for p in range(programmes):
        data = json.loads(json.dumps(source, default=str))
        pid = f"prog{p:03d}"
        data["programme"]["id"] = pid
        data["programme"]["aliases"] = [f"ecole{p:03d}", f"school {p:03d}"]
        new_intents = []
        for k in range(intents):
            template = source["intents"][k % len(source["intents"])]
            intent = json.loads(json.dumps(template))
            intent["id"] = f"{pid}.i{k:02d}"
            tag = f"{words[k % len(words)]}{k} {words[p % len(words)]}{p}"
            intent["examples"] = {
                lang: [f"{u} {tag}" for u in template["examples"][lang]] for lang in ("fr", "en")
            }
            intent["follow_ups"] = []
            intent.pop("topic", None)
            new_intents.append(intent)
        data["intents"] = new_intents
        (tmp / f"{pid}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp


def main() -> None:
    t = time.perf_counter()
    load()
    print(f"load bundled knowledge base: {(time.perf_counter() - t) * 1000:.1f} ms (after imports)")
    assistant = Assistant.load()
    qps, p50, p99 = latency(assistant, QUESTIONS, 200)
    print(f"bundled KB: {qps:,.0f} questions/s in-process, p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    print(f"ask --jsonl throughput after start-up: {jsonl_throughput():,.0f} questions/s")
    print(f"single `candidate-assistant ask` process: {single_ask_seconds():.3f} s")
    print(f"peak memory so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    path = generated_kb()
    t = time.perf_counter()
    big = Assistant.load(path)
    print(
        f"generated KB 200 programmes x 40 intents: loaded in {time.perf_counter() - t:.1f} s, "
        f"{big.kb.summary()['utterances']:,} utterances"
    )
    questions = QUESTIONS + [f"ecole{p:03d} date limite" for p in range(0, 200, 7)]
    qps, p50, p99 = latency(big, questions, 5)
    print(f"generated KB: {qps:,.0f} questions/s, p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
