"""Staff report benchmark: how well unanswered questions are grouped, and how long a report takes.

Prints figures, asserts nothing.

1. Grouping quality on two labelled sets of rewordings (`SET_A` chose the parameters of
   `assistant/staff/grouping.py`; `SET_B`, written afterwards, checked them and only chose between two
   settings equally good on `SET_A`): pairwise
   precision (two questions put together are rewordings of one question) and recall (rewordings are
   put together), for the chosen parameters and a few neighbours.
2. Time to build the report (text, JSON, HTML) and the suggestions on an SQLite database filled with
   `--n` questions, `--distinct` of them distinct unanswered wordings.

    .venv/bin/python bench/report_bench.py [--n 10000] [--distinct 1500]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.kb.loader import load  # noqa: E402
from assistant.nlu.understand import Reader  # noqa: E402
from assistant.staff import grouping  # noqa: E402
from assistant.staff.grouping import Wording, group_questions  # noqa: E402
from assistant.staff.period import Period  # noqa: E402
from assistant.storage import open_storage  # noqa: E402

SET_A = {
    "parking": ["Is there parking on campus?", "is there a car park at the school", "parking for students?",
                "y a-t-il un parking à l'école ?", "on peut se garer où quand on vient en voiture ?"],
    "online": ["Do you offer the master online?", "can I follow the courses remotely", "formation à distance possible ?",
               "le master est-il disponible en distanciel ?", "is distance learning an option"],
    "grants": ["is there a scholarship for international students", "scholarships for foreign students?",
               "y a t il des bourses pour les étudiants étrangers", "bourse pour étudiant international ?"],
    "pets": ["can I bring my dog to class", "est-ce que les chiens sont acceptés en cours", "are pets allowed at school"],
    "weather": ["what's the weather in Angoulême", "quel temps fait il à angouleme", "is it rainy in angouleme"],
    "gym": ["do you have a gym?", "is there a sports hall at school", "y a une salle de sport ?", "salle de muscu à l'école ?"],
    "erasmus": ["can I do an erasmus exchange", "échange erasmus possible pendant le master ?",
                "semestre à l'étranger en erasmus ?"],
    "laptop": ["do I need to buy my own laptop", "faut-il un ordinateur portable perso ?",
               "which computer should I buy for the courses", "quel pc acheter pour la formation"],
    "canteen": ["is there a canteen", "y a-t-il une cantine ou un restau u ?", "where can students eat at lunch"],
    "job": ["can I work part time during the master", "puis-je avoir un job étudiant à côté ?",
            "is a student job compatible with the schedule"],
    "alumni": ["where do graduates work", "que deviennent les anciens élèves", "alumni network?"],
    "age": ["is there an age limit to apply", "limite d'âge pour candidater ?", "am I too old at 45 to apply"],
    "dress": ["is there a dress code", "faut-il une tenue particulière en cours ?"],
    "evening": ["are there evening classes", "cours du soir possibles ?", "can I study at night after work"],
}  # fmt: skip
SET_B = {
    "wifi": ["is there wifi on campus", "y a-t-il le wifi à l'école ?", "wifi dispo pour les étudiants ?",
             "can students use the internet at school"],
    "library": ["is there a library", "y a une bibliothèque ?", "horaires de la bibliothèque", "library opening hours?"],
    "bus": ["how do I get to the school by bus", "quel bus pour aller à l'école", "transports en commun pour venir ?",
            "public transport to campus?"],
    "class size": ["how many students per class", "combien d'élèves par classe ?", "class size?"],
    "transfer": ["can I transfer from another master", "transfert depuis un autre master possible ?",
                 "changer de master en cours d'année"],
    "access": ["is the school accessible in a wheelchair", "accessibilité handicap ?",
               "aménagements pour étudiants handicapés"],
    "internship": ["is there a mandatory internship", "stage obligatoire ?", "combien de mois de stage",
                   "how long is the internship"],
    "software": ["do you use mac or pc", "on travaille sur mac ou pc ?", "which software do you teach",
                 "quels logiciels on apprend"],
    "parties": ["are there student parties", "soirées étudiantes ?", "y a un BDE ?", "student union?"],
    "hours": ["how long is the lunch break", "pause déjeuner combien de temps", "horaires des cours ?",
              "class schedule daily hours"],
}  # fmt: skip
NOW = datetime.now(UTC)


def pairwise(reader: Reader, labelled: dict[str, list[str]]) -> tuple[float, float, int]:
    """(precision, recall, groups) of the grouping of the labelled questions, each asked once."""
    label = {text: name for name, texts in labelled.items() for text in texts}
    groups = group_questions(reader, [Wording(text, 1) for text in label])
    where = {w.text: k for k, g in enumerate(groups) for w in g.wordings}
    tp = fp = fn = 0
    for a, b in itertools.combinations(label, 2):
        same, together = label[a] == label[b], where[a] == where[b]
        tp += same and together
        fp += together and not same
        fn += same and not together
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1), len(groups)


def quality(reader: Reader) -> None:
    print("grouping of labelled rewordings (pairwise precision / recall, groups found / true groups):")
    chosen = (grouping.TEXT_WEIGHT, grouping.SIMILARITY, grouping.COMMON_SHARE)
    settings = [chosen, (0.7, 0.30, chosen[2]), (1.0, 0.20, chosen[2]), (chosen[0], chosen[1], 1.0)]
    try:
        for weight, similarity, common in settings:
            grouping.TEXT_WEIGHT, grouping.SIMILARITY, grouping.COMMON_SHARE = weight, similarity, common
            name = f"text {weight:.1f}, join > {similarity:.2f}, common features {'kept' if common >= 1 else f'> {common:.0%} out'}"
            mark = " (chosen)" if (weight, similarity, common) == chosen else ""
            cells = []
            for labelled in (SET_A, SET_B):
                p, r, n = pairwise(reader, labelled)
                cells.append(f"{p:5.2f} / {r:4.2f} ({n:2}/{len(labelled)})")
            print(f"  {name + mark:<62} A: {cells[0]}   B: {cells[1]}")
    finally:
        grouping.TEXT_WEIGHT, grouping.SIMILARITY, grouping.COMMON_SHARE = chosen


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"  {label:<50} {(time.perf_counter() - started) * 1000:>9.1f} ms")
    return result


def fill(path: str, n: int, distinct: int) -> None:
    """n questions over 30 days: a third unanswered, drawn from `distinct` made-up wordings."""
    rng = random.Random(7)
    subjects = [t for texts in (*SET_A.values(), *SET_B.values()) for t in texts]
    extras = ["", " svp", " please", " ?", " merci", " en 2026", " pour la rentrée", " asap", " stp 🙏"]
    unanswered = [f"{rng.choice(subjects)}{rng.choice(extras)} {k}" for k in range(distinct)]
    answered = ["quelle est la date limite ?", "what documents are required?", "frais de dossier ?"]
    with open_storage(path) as store:
        for i in range(n):
            out = i % 3 == 0
            store.log_question(
                at=NOW - timedelta(days=rng.uniform(0, 30)),
                platform=rng.choice(["telegram", "discord"]),
                scope="bench",
                programme=rng.choice(["enjmin", "iim", None]),
                language=rng.choice(["fr", "en"]),
                decision=rng.choice(["clarify", "decline"]) if out else "answer",
                topic=None if out else "deadline",
                confidence=0.5,
                text=rng.choice(unanswered) if out else rng.choice(answered),
            )


def timings(reader: Reader, n: int, distinct: int) -> None:
    from assistant.staff.html import render_html
    from assistant.staff.report import build_report, format_text
    from assistant.staff.suggest import propose, to_yaml

    print(f"report on {n} questions ({distinct} distinct unanswered wordings), SQLite:")
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.db")
        timed(f"fill ({n} log_question calls)", lambda: fill(path, n, distinct))
        with open_storage(path, create=False) as store:
            report = timed(
                "build the report (read, count, group)",
                lambda: build_report(store, Period(None, None), lambda: reader, now=NOW),
            )
        print(f"    {len(report.unanswered)} groups of unanswered questions")
        timed("text", lambda: format_text(report))
        timed("JSON", lambda: json.dumps(report.as_json(), ensure_ascii=False))
        timed("HTML (matplotlib chart)", lambda: render_html(report))
        timed("suggestions (YAML)", lambda: to_yaml(propose(report, reader, reader.kb), report, reader.kb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="questions in the timed database")
    parser.add_argument("--distinct", type=int, default=1500, help="distinct unanswered wordings among them")
    args = parser.parse_args()
    reader = timed("load the knowledge base's reader", lambda: Reader(load()))
    quality(reader)
    timings(reader, args.n, args.distinct)


if __name__ == "__main__":
    main()
