"""Benchmark of bounded input: time and peak memory on hostile and very large inputs.

Each case runs in its own process, so its peak memory (max RSS) is its own. Prints figures; asserts
nothing. Run: `python bench/input_limits_bench.py` (or `make bench`); `--quick` skips the largest.

Cases: a YAML "billion laughs" in a knowledge file and in a profile; a 50 MB knowledge file of
2.4 M keys (refused by the size cap); knowledge files just under the caps (the most the checker
accepts to read: unknown keys, and a topics.yaml grown to ~4 MB of distinct examples); `ask --jsonl`
lines nested 100,000 deep.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.limits import KNOWLEDGE  # noqa: E402


def bomb(levels: int = 9) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def keys_file(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("programme:\n  id: big\n")
        for i in range(n):
            fh.write(f"key{i:07d}: value {i}\n")


def grown_topics(source: Path, dest: Path, target_bytes: int) -> int:
    """topics.yaml with distinct generated examples appended to its first topic up to `target_bytes`."""
    text = source.read_text(encoding="utf-8")
    marker = "      fr:\n"
    at = text.index(marker) + len(marker)
    extra, size, n = [], len(text.encode()), 0
    while size < target_bytes:
        line = f'        - "question numéro {n} sur la date limite de candidature {n * 7919 % 100003}"\n'
        extra.append(line)
        size += len(line.encode())
        n += 1
    dest.write_text(text[:at] + "".join(extra) + text[at:], encoding="utf-8")
    return n


WORKER = r"""
import json, resource, sys, time
case, arg = sys.argv[1], sys.argv[2]
from assistant.kb.loader import check
from assistant.checklist.profile import ProfileError, load_profile
t = time.perf_counter()  # the work itself, imports apart (~0.3 s)
if case == "check":
    kb, problems = check(arg)
    what = f"{len(problems)} problem(s); first: {str(problems[0])[:110] if problems else 'none'}"
elif case == "profile":
    try:
        load_profile(arg)
        what = "accepted"
    except ProfileError as exc:
        what = str(exc)[:140]
elif case == "jsonl":
    import subprocess
    out = subprocess.run([sys.executable, "-m", "adapters.cli", "ask", "--jsonl"], input=open(arg, "rb").read(),
                         capture_output=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    what = f"{len(rows)} rows, {sum('error' in r for r in rows)} errors; exit {out.returncode}"
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "what": what}))
"""


def run(case: str, arg: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", WORKER, case, str(arg)], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    if out.returncode != 0:
        return {"seconds": float("nan"), "peak_mb": float("nan"), "what": out.stderr.strip()[-200:]}
    return json.loads(out.stdout)


def kb_with(tmp: Path, name: str, write) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp / name
    folder.mkdir()
    for source in (ROOT / "knowledge").glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    write(folder)
    return folder


def main() -> None:
    quick = "--quick" in sys.argv
    print(
        f"limits: knowledge file <= {KNOWLEDGE.max_bytes >> 20} MB, <= {KNOWLEDGE.max_nodes:,} values, "
        f"depth <= {KNOWLEDGE.max_depth}, aliases <= {KNOWLEDGE.max_alias_nodes:,} values"
    )
    baseline = run("check", ROOT / "knowledge")
    print(f"{'bundled knowledge (reference)':46} {baseline['seconds']:7.2f} s {baseline['peak_mb']:7.0f} MB")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        cases: list[tuple[str, str, Path]] = []
        cases.append(
            (
                "knowledge: billion laughs (9 levels)",
                "check",
                kb_with(tmp, "bomb", lambda f: (f / "bomb.yaml").write_text(bomb(), encoding="utf-8")),
            )
        )
        profile = tmp / "bomb-profile.yaml"
        profile.write_text("programme: enjmin\n" + bomb().replace("l8:", "french_level:"), encoding="utf-8")
        cases.append(("profile: billion laughs on a known field", "profile", profile))
        if not quick:
            cases.append(
                (
                    "knowledge: 50 MB file, 2.4 M keys",
                    "check",
                    kb_with(tmp, "huge", lambda f: keys_file(f / "huge.yaml", 2_400_000)),
                )
            )
        cases.append(
            (
                "knowledge: 3.7 MB file, 170 k keys (value cap)",
                "check",
                kb_with(tmp, "under", lambda f: keys_file(f / "under.yaml", 170_000)),
            )
        )
        cases.append(
            (
                "knowledge: 2 MB file, 95 k unknown keys",
                "check",
                kb_with(tmp, "keys", lambda f: keys_file(f / "keys.yaml", 95_000)),
            )
        )
        grown: list[int] = []
        cases.append(
            (
                "knowledge: topics.yaml grown to 3.9 MB",
                "check",
                kb_with(
                    tmp,
                    "grown",
                    lambda f: grown.append(
                        grown_topics(ROOT / "knowledge" / "topics.yaml", f / "topics.yaml", 3_900_000)
                    ),
                ),
            )
        )
        deep = tmp / "deep.jsonl"
        deep.write_bytes(
            b"\n".join(
                [b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"] * 20 + [b"date limite enjmin ?"]
            )
        )
        cases.append(("ask --jsonl: 20 lines nested 100,000 deep", "jsonl", deep))
        for label, case, arg in cases:
            r = run(case, arg)
            print(f"{label:46} {r['seconds']:7.2f} s {r['peak_mb']:7.0f} MB   {r['what']}")
        if grown:
            print(f"(the grown topics.yaml has {grown[0]:,} more examples)")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak of all cases: {peak:.0f} MB; {time.process_time():.1f} s of CPU in this process")


if __name__ == "__main__":
    main()
