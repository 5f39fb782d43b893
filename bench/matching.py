"""Matching quality and speed: moneymen's matcher next to OpenSanctions' logic-v2, on the same inputs.

Run from the repository root::

    .venv/bin/python bench/matching.py [--shared PATH] [--baseline-python bench/.venv-baseline/bin/python]
                                       [--measures nk eu syllables speed process yente] [--rounds 5]
                                       [--out bench/out]

The baseline, nomenklatura's ``logic-v2`` (yente's default matcher), runs in its own virtual
environment through ``bench/baseline_worker.py`` (see there for the setup); both matchers get the
same pairs in the same run. Without that environment the logic-v2 columns say ``skipped``.

Measures (each prints a detail table; one summary table puts both matchers side by side):

``nk``
    nomenklatura's name_bench ``cases.csv`` (labelled name pairs, schema per row): precision, recall
    and F1 at each matcher's own decision (moneymen: ``Match.match``; logic-v2: score ≥ 0.7), with
    logic-v2's frozen published scores to check that this harness reproduces them. Our false
    positives and negatives go to ``nk-bench-errors.csv``, with labels that look disputable flagged.
``eu``
    Hangul against Latin: each row of EU Regulation 2017/1509's annexes that has a Hangul name:
    positives are (Hangul name, each romanized name of the row), negatives (Hangul name, romanized
    names of other rows whose Hangul surname is the same). Evaluation only.
``syllables``
    Korean names from the UN and OFAC DPRK lists bundled in ``src/moneymen/data``: every
    three-syllable name against itself with the given syllables swapped and with one given
    syllable replaced by a clearly different one from the same lists. All are different names;
    counted are false matches. Spelling variants of the same names are the control.
``speed``
    pair comparisons per second on one core, over the name pairs of the measures above (and the
    profile pairs of ``yente`` when it ran): warm caches, and cold (caches cleared before each round).
``process``
    ``moneymen match-pairs IN.csv -o OUT.csv`` against logic-v2 scoring the same 12,000 name pairs
    (``baseline_worker.py --pairs``), both timed as whole processes: start-up, reading and writing
    the CSV included (the name pairs of the measures above, filled up with pairs drawn from them).
``yente``
    yente's name benchmark fixtures against a screener over the full UN list (imported into a
    temporary DuckDB store): recall of UN-listed people (as listed, and with seeded typos), and the
    share of synthetic and US Congress queries that match a UN-listed person.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import _dist_version, machine_facts, markdown_table  # noqa: E402
from screening_start import installed_env, timed  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_BASELINE = REPO / "bench" / ".venv-baseline" / "bin" / "python"
WORKER = REPO / "bench" / "baseline_worker.py"
BASELINE_THRESHOLD = 0.7   # logic-v2's match threshold in yente and in name_bench
ALL_MEASURES = ("nk", "eu", "syllables", "speed", "yente", "process")
#: Pairs scored by the whole-process measure (issue 10: ``moneymen match-pairs`` on 12,000 pairs).
PROCESS_PAIRS = 12_000
HANGUL = re.compile("[\uac00-\ud7a3]")


# -- pairs and the two matchers ------------------------------------------------------------------


@dataclass
class Pair:
    """Two entities to compare: FtM schema and properties of each."""

    query_schema: str
    query: dict[str, list[str]]
    candidate_schema: str
    candidate: dict[str, list[str]]

    @classmethod
    def names(cls, schema: str, left: str, right: str) -> "Pair":
        return cls(schema, {"name": [left]}, schema, {"name": [right]})

    def request(self, number: int, op: str = "score") -> dict:
        return {"op": op, "id": number,
                "query": {"id": f"q{number}", "schema": self.query_schema, "properties": self.query},
                "candidate": {"id": f"c{number}", "schema": self.candidate_schema, "properties": self.candidate}}


@dataclass
class Verdict:
    score: float
    match: bool
    method: str = ""
    why: str = ""


def ours(pairs: list[Pair], threshold: float | None = None) -> list[Verdict]:
    """moneymen's verdicts, at its own default threshold unless one is given."""
    from moneymen.match.profiles import DEFAULT_THRESHOLD, Profile, compare_profiles

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    verdicts = []
    for pair in pairs:
        match = compare_profiles(Profile.from_properties(pair.query_schema, pair.query),
                                 Profile.from_properties(pair.candidate_schema, pair.candidate), threshold)
        verdicts.append(Verdict(match.score, match.match, match.name.method if match.name else "", explain(match)))
    return verdicts


def explain(match) -> str:
    """A one-line reading of ``Match.explanation()``: name parts, notes and evidence."""
    data = match.explanation()
    bits = []
    name = data.get("name")
    if name:
        parts = ", ".join(f"{p['left'] or '∅'}~{p['right'] or '∅'} {p['how']} {p['score']}".strip()
                          + (f" [{p['role']}]" if p.get("role") else "") for p in name.get("parts", []))
        bits.append(f"name {name['score']} by {name['method']}: {parts}")
        bits.extend(name.get("notes", []))
    bits.extend(f"{item['feature']} {item['effect']:+}: {item['detail']}" for item in data.get("evidence", []))
    bits.extend(data.get("notes", []))
    return " | ".join(bits)


class Baseline:
    """logic-v2 in its own process (``bench/baseline_worker.py`` under the baseline environment)."""

    def __init__(self, python: Path):
        self.process = subprocess.Popen([str(python), str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8", bufsize=1)
        self.versions = self.ask([{"op": "versions"}], 1)[0]

    def ask(self, requests: list[dict], answers: int) -> list[dict]:
        """Send requests (from a thread, so neither pipe fills up) and read ``answers`` lines back."""

        def feed() -> None:
            for request in requests:
                self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.process.stdin.flush()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out = []
        for _ in range(answers):
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the baseline worker stopped (exit {self.process.poll()})")
            out.append(json.loads(line))
        writer.join()
        return out

    def score(self, pairs: list[Pair]) -> list[Verdict]:
        answers = self.ask([pair.request(n) for n, pair in enumerate(pairs)], len(pairs))
        verdicts = []
        for answer in answers:
            if "error" in answer:
                verdicts.append(Verdict(0.0, False, "error", answer["error"]))
            else:
                score = answer["score"]
                verdicts.append(Verdict(score, score >= BASELINE_THRESHOLD, "logic-v2",
                                        ", ".join(f"{k} {v}" for k, v in answer["features"].items())))
        return verdicts

    def time(self, pairs: list[Pair], rounds: int) -> list[float]:
        """Seconds per round over all pairs; round 1 with logic-v2's caches cold."""
        requests = [pair.request(n, "load") for n, pair in enumerate(pairs)] + [{"op": "time", "rounds": rounds}]
        return self.ask(requests, 1)[0]["seconds"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_baseline(python: Path) -> tuple[Baseline | None, str]:
    if not python.exists():
        return None, f"skipped: {python} not found (see bench/baseline_worker.py)"
    try:
        return Baseline(python), ""
    except Exception as error:  # report and run our side alone
        return None, f"skipped: the baseline worker failed: {error}"[:160]


# -- metrics -------------------------------------------------------------------------------------


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, truth: bool, predicted: bool) -> str:
        outcome = ("TP" if predicted else "FN") if truth else ("FP" if predicted else "TN")
        setattr(self, outcome.lower(), getattr(self, outcome.lower()) + 1)
        return outcome

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def prf(self) -> str:
        return f"{self.f1:.3f} (P {self.precision:.3f} / R {self.recall:.3f})"


@dataclass
class Summary:
    """One line of the summary table."""

    measure: str
    ours: str
    baseline: str
    target: str = "—"
    met: str = "—"


def yes(flag: bool) -> str:
    return "yes" if flag else "**no**"


# -- Korean romanized syllables (to flag disputable labels and to build measure 3) -----------------

_APOSTROPHES = str.maketrans("", "", "'’`ʼ‘")
_SYLLABLE = re.compile(r"^(kk|tt|pp|ss|jj|tch|ch|sh|th|kh|ph|[gkndtrlmbpsjhc])?([yw])?"
                       r"(ae|ai|eo|eu|oe|ui|oo|ou|ee|a|e|i|o|u)(ng|[nlmkgpbtr])?$")
_INITIAL_CLASS = {"g": "K", "k": "K", "kk": "K", "kh": "K", "d": "T", "t": "T", "tt": "T", "th": "T", "b": "P",
                  "p": "P", "pp": "P", "ph": "P", "j": "C", "ch": "C", "jj": "C", "tch": "C", "c": "C", "s": "S",
                  "ss": "S", "sh": "S", "h": "H", "m": "M", "r": "R", "l": "R", "n": "R", "": "R"}
_FINAL_CLASS = {"ng": "NG", "n": "N", "m": "M", "l": "L", "r": "L", "k": "K", "g": "K", "p": "P", "b": "P",
                "t": "T", "": ""}
EXTRA_SURNAMES = {"li", "djang", "ri", "ryu", "ra", "rim", "ryang", "ro", "jo", "jon", "jong", "choe", "paek", "pak", "o", "kil",
                  "chi", "min", "hyon", "so", "yon", "ryom", "thae", "kye", "chu", "mun", "pang", "ko", "ku", "ju",
                  "yun", "han", "kim", "park", "lee", "yi", "choi", "jang", "chang", "son", "song", "hong", "paik"}


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def load_surnames(shared: Path) -> set[str]:
    """Romanized Korean surnames: the shared reference table (all its spellings) and DPRK forms."""
    names = set(EXTRA_SURNAMES)
    path = shared / "names" / "korean-romanization" / "korean_surnames_romanization.csv"
    if path.is_file():
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for value in [row.get("rr", ""), row.get("mr", ""), *row.get("other_romanizations", "").split("|")]:
                    value = _fold(value).translate(_APOSTROPHES).strip()
                    if value.isalpha():
                        names.add(value)
    return names


def syllable_parts(syllable: str) -> tuple[str, str] | None:
    """(initial consonant class, final consonant class) of a romanized syllable, or None if it is not one.

    Vowels are left out on purpose: they vary most between romanizations (o/eo/u, ae/e), so two
    syllables only count as clearly different when a consonant class differs (Chol/Chun, Min/Il),
    never for Jong/Jung or Yong/Young.
    """
    found = _SYLLABLE.match(_fold(syllable).translate(_APOSTROPHES))
    if not found:
        return None
    return _INITIAL_CLASS[found.group(1) or ""], _FINAL_CLASS[found.group(4) or ""]


def korean_syllables(name: str, surnames: set[str]) -> list[str] | None:
    """[surname, given syllables…] when ``name`` reads as a romanized Korean name written surname first."""
    tokens = name.replace(",", " ").replace("-", " ").split()
    if not 2 <= len(tokens) <= 4:
        return None
    if _fold(tokens[0]).translate(_APOSTROPHES) not in surnames:
        return None
    if any(syllable_parts(token) is None for token in tokens):
        return None
    return tokens


def clearly_different(a: str, b: str) -> bool:
    pa, pb = syllable_parts(a), syllable_parts(b)
    return pa is not None and pb is not None and pa != pb


_SERIES_MARK = re.compile(r"^(?:\d+|(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3}))$")
NUMBERED_SCHEMATA = {"Company", "Organization", "LegalEntity", "Vessel", "Airplane", "PublicBody"}


def series_marks(name: str) -> list[str]:
    """The numbers and Roman series marks of a name, in order: 'Fund XI L.P.' → ['XI'], 'Trust 2006-2' → ['2006', '2']."""
    return [token for token in re.findall(r"[A-Za-z0-9]+", name) if _SERIES_MARK.match(token)]


def dispute_reason(name1: str, name2: str, is_match: bool, surnames: set[str], schema: str = "Person") -> str:
    """Why a label may be wrong: '' when nothing stands out.

    Two rules, both about pairs labelled the same: Korean names (surname first) whose given-name
    syllables differ in a consonant, and numbered funds, trusts or vessels whose numbers differ.
    """
    if is_match and schema in NUMBERED_SCHEMATA:
        marks1, marks2 = series_marks(name1), series_marks(name2)
        if marks1 and marks2 and marks1 != marks2:
            return (f"labelled the same, but the series numbers differ ({' '.join(marks1)} ≠ {' '.join(marks2)}): "
                    f"numbered funds, trusts and ships are distinct legal entities or hulls")
    if HANGUL.search(name1) and HANGUL.search(name2) and len(name1) == len(name2) == 3:
        differ = [i for i in range(3) if name1[i] != name2[i]]
        if is_match and differ and min(differ) >= 1:
            return f"labelled the same, but given-name syllable {name1[differ[0]]} ≠ {name2[differ[0]]} in Hangul"
        return ""
    a, b = korean_syllables(name1, surnames), korean_syllables(name2, surnames)
    if not a or not b or len(a) != len(b):
        return ""
    if is_match:
        for left, right in zip(a[1:], b[1:]):
            if clearly_different(left, right):
                return (f"labelled the same, but given-name syllable {left} ≠ {right} (different consonants: "
                        f"not a romanization variant) — a different person's name")
    return ""


# -- 1. nomenklatura's name_bench -------------------------------------------------------------------


def measure_nk(shared: Path, baseline: Baseline | None, skip: str, out: Path, surnames: set[str]):
    folder = shared / "names" / "nomenklatura-name-bench"
    cases_path = folder / "cases.csv"
    if not cases_path.is_file():
        note = f"skipped: {cases_path} not found"
        return [Summary("nk name_bench: F1 (precision / recall)", note, note)], [], []
    with cases_path.open(encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle))
    pairs = [Pair.names(c["schema"], c["name1"], c["name2"]) for c in cases]
    mine = ours(pairs)
    theirs = baseline.score(pairs) if baseline else None
    frozen: dict[tuple, dict] = {}
    loose: dict[tuple, dict] = {}
    frozen_path = folder / "logicv2-frozen.csv"
    frozen_rows = []
    if frozen_path.is_file():
        with frozen_path.open(encoding="utf-8") as handle:
            frozen_rows = list(csv.DictReader(handle))
        for row in frozen_rows:
            frozen[(row["case_group"], row["schema"], row["name1"], row["name2"])] = row
            loose.setdefault((row["schema"], row["name1"], row["name2"]), row)

    total = Confusion()
    live = Confusion()
    groups: dict[str, list[Confusion]] = defaultdict(lambda: [Confusion(), Confusion()])
    errors = []
    same_score = same_decision = joined = 0
    for number, case in enumerate(cases):
        truth = case["is_match"].strip().lower() == "true"
        verdict = mine[number]
        outcome = total.add(truth, verdict.match)
        groups[case["case_group"]][0].add(truth, verdict.match)
        base = theirs[number] if theirs else None
        if base:
            live.add(truth, base.match)
            groups[case["case_group"]][1].add(truth, base.match)
        row = frozen.get((case["case_group"], case["schema"], case["name1"], case["name2"])) or \
            loose.get((case["schema"], case["name1"], case["name2"]))
        if row is not None and base is not None:
            joined += 1
            same_score += abs(float(row["score"]) - base.score) < 0.0005
            same_decision += (float(row["score"]) >= BASELINE_THRESHOLD) == base.match
        if outcome in ("FP", "FN"):
            errors.append({"outcome": outcome, "case_group": case["case_group"], "schema": case["schema"],
                           "name1": case["name1"], "name2": case["name2"], "is_match": case["is_match"],
                           "quality": case["quality"], "category": case["category"], "notes": case["notes"],
                           "our_score": f"{verdict.score:.3f}", "our_method": verdict.method,
                           "our_explanation": verdict.why,
                           "logicv2_score": f"{base.score:.3f}" if base else "",
                           "logicv2_frozen": row["score"] if row else "",
                           "dispute": dispute_reason(case["name1"], case["name2"], truth, surnames,
                                                     case["schema"])})
    # disputable labels among all cases (not only our errors)
    disputes = []
    undisputed, undisputed_base = Confusion(), Confusion()
    for number, case in enumerate(cases):
        truth = case["is_match"].strip().lower() == "true"
        reason = dispute_reason(case["name1"], case["name2"], truth, surnames, case["schema"])
        if not reason:
            undisputed.add(truth, mine[number].match)
            if theirs:
                undisputed_base.add(truth, theirs[number].match)
        else:
            disputes.append({**case, "reason": reason, "our_match": mine[number].match,
                             "logicv2_match": theirs[number].match if theirs else ""})

    frozen_confusion = Confusion()
    for row in frozen_rows:
        frozen_confusion.add(row["is_match"].strip().lower() == "true", row["predicted_match"].strip().lower() == "true")

    out.mkdir(parents=True, exist_ok=True)
    fields = ["outcome", "case_group", "schema", "name1", "name2", "is_match", "quality", "category", "notes",
              "our_score", "our_method", "our_explanation", "logicv2_score", "logicv2_frozen", "dispute"]
    with (out / "nk-bench-errors.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(sorted(errors, key=lambda e: (e["outcome"], e["case_group"], e["name1"])))
    with (out / "nk-bench-disputed-labels.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["case_group", "schema", "name1", "name2", "is_match", "quality",
                                                    "category", "notes", "reason", "our_match", "logicv2_match"])
        writer.writeheader()
        writer.writerows(disputes)

    base_text = live.prf() if theirs else skip
    if frozen_rows:
        base_text += f"; frozen {frozen_confusion.prf()}"
    summary = [Summary(f"nk name_bench ({len(cases)} pairs): F1 (P / R) at own decision", total.prf(), base_text,
                       "F1 ≥ 0.90", yes(total.f1 >= 0.90)),
               Summary(f"nk name_bench, the {undisputed.n} pairs whose labels are not disputed: F1 (P / R)",
                       undisputed.prf(), undisputed_base.prf() if theirs else skip, "F1 ≥ 0.90",
                       yes(undisputed.f1 >= 0.90))]
    header = ["case group", "pairs", "moneymen F1", "moneymen FP", "moneymen FN", "logic-v2 F1", "logic-v2 FP", "logic-v2 FN"]
    body = []
    for group, (mine_c, base_c) in sorted(groups.items()):
        body.append([group, str(mine_c.n), f"{mine_c.f1:.3f}", str(mine_c.fp), str(mine_c.fn),
                     f"{base_c.f1:.3f}" if theirs else "—", str(base_c.fp) if theirs else "—",
                     str(base_c.fn) if theirs else "—"])
    body.append(["all", str(total.n), f"{total.f1:.3f}", str(total.fp), str(total.fn),
                 f"{live.f1:.3f}" if theirs else "—", str(live.fp) if theirs else "—", str(live.fn) if theirs else "—"])
    lines = [f"### 1. nomenklatura name_bench by case group ({cases_path.name}, {len(cases)} pairs)", "",
             markdown_table(header, body, "lrrrrrrr"), ""]
    if theirs and frozen_rows:
        lines.append(f"- harness check: {joined} of the {len(cases)} cases are in logicv2-frozen.csv "
                     f"({len(frozen_rows)} rows, from an earlier cases.csv); this run's logic-v2 "
                     f"(nomenklatura {baseline.versions.get('nomenklatura')}) gives the same score (±0.0005) on "
                     f"{same_score} and the same decision on {same_decision} of them. The frozen file's own "
                     f"rows give F1 {frozen_confusion.prf()}.")
    reasons = Counter(_reason_kind(e) for e in errors)
    lines.append(f"- our errors: {len([e for e in errors if e['outcome'] == 'FP'])} false positives, "
                 f"{len([e for e in errors if e['outcome'] == 'FN'])} false negatives "
                 f"(by method: {', '.join(f'{k} {v}' for k, v in reasons.most_common())}); listed in "
                 f"{_display(out / 'nk-bench-errors.csv')}; {len(disputes)} labels flagged as disputable in "
                 f"{_display(out / 'nk-bench-disputed-labels.csv')}")
    return summary, lines, errors


def _reason_kind(error: dict) -> str:
    return f"{error['outcome']}/{error['our_method'] or 'none'}"


# -- 2. Hangul against Latin: EU 2017/1509 --------------------------------------------------------------


#: Aliases in the EU annexes that are not romanizations of the row's Hangul name but other names
#: (cover names): scored and shown apart, since no reading of the Hangul can find them.
OTHER_NAMES = {"Naya Liu", "James Kim", "Daniel Pak"}


def _split_values(*cells: str) -> list[str]:
    """Values of name cells: ';' separates them, and so does ',' where every part is a whole name
    ("KIM Yong-Nam, KIM Young-Nam"), but not in "Chang, Myong Ho" (surname, given name)."""
    values = []
    for cell in cells:
        for value in (v.strip() for v in cell.split(";")):
            parts = [p.strip() for p in value.split(",")]
            if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts) and not HANGUL.search(value) \
                    and "(" not in value:
                values.extend(parts)
            elif value:
                values.append(value)
    return values


def _hangul_and_latin(value: str) -> tuple[str, str]:
    """'KIM Kwang Yon 김광연' → ('김광연', 'KIM Kwang Yon'); a value in one script → (it, '') or ('', it)."""
    hangul = " ".join(part for part in value.split() if HANGUL.search(part))
    latin = " ".join(part for part in value.split() if not HANGUL.search(part))
    return hangul, latin if re.search("[A-Za-z]", latin) else ""


def eu_pairs(path: Path):
    """Positive and negative (Hangul, Latin) pairs from the EU DPRK annexes."""
    with path.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle)]
    listed = []
    for row in rows:
        hangul, latin = [], []
        for value in _split_values(row["name"], row["alias"]):
            h, l_ = _hangul_and_latin(value)
            if h:
                hangul.append(h)
            if l_:
                latin.append(l_)
        if hangul:
            listed.append({"row": f"{row['annex']}/{row['recordId']}", "schema": row["schema"], "hangul": list(dict.fromkeys(hangul)),
                           "latin": list(dict.fromkeys(latin))})
    positives, negatives = [], []
    excluded = 0
    for item in listed:
        for h in item["hangul"]:
            for l_ in item["latin"]:
                positives.append((item, h, l_, item))
    persons = [item for item in listed if item["schema"] == "Person"]
    for item in persons:
        surnames = {h[0] for h in item["hangul"]}
        for other in persons:
            if other is item or not surnames & {h[0] for h in other["hangul"]}:
                continue
            if set(item["hangul"]) & set(other["hangul"]):
                excluded += 1  # the same Hangul name on two rows: namesakes or the same person; not a negative
                continue
            for h in item["hangul"]:
                for l_ in other["latin"]:
                    negatives.append((item, h, l_, other))
    entities = [item for item in listed if item["schema"] != "Person"]
    for item in entities:
        for other in entities:
            if other is not item:
                for h in item["hangul"]:
                    for l_ in other["latin"]:
                        negatives.append((item, h, l_, other))
    return listed, positives, negatives, excluded


def measure_eu(shared: Path, baseline: Baseline | None, skip: str, out: Path):
    path = shared / "sanctions" / "eu-dprk-2017" / "32017R1509.csv"
    if not path.is_file():
        note = f"skipped: {path} not found"
        return [Summary("EU 2017/1509 Hangul ↔ Latin", note, note)], [], []
    listed, positives, negatives, excluded = eu_pairs(path)
    everything = [(True, *p) for p in positives] + [(False, *n) for n in negatives]
    pairs = [Pair.names(item["schema"], h, l_) for _, item, h, l_, _ in everything]
    mine = ours(pairs)
    theirs = baseline.score(pairs) if baseline else None
    tallies: dict[tuple[str, str], Confusion] = defaultdict(Confusion)
    errors = []
    for number, (truth, item, h, l_, other) in enumerate(everything):
        group = ("people: cover names" if truth and l_ in OTHER_NAMES else "people") if item["schema"] == "Person" \
            else "organisations"
        outcome = tallies[(group, "ours")].add(truth, mine[number].match)
        if theirs:
            tallies[(group, "logic-v2")].add(truth, theirs[number].match)
        if outcome in ("FP", "FN"):
            errors.append({"outcome": outcome, "schema": item["schema"], "row": item["row"], "other_row": other["row"],
                           "hangul": h, "latin": l_, "our_score": f"{mine[number].score:.3f}",
                           "our_method": mine[number].method, "our_explanation": mine[number].why,
                           "logicv2_score": f"{theirs[number].score:.3f}" if theirs else ""})
    out.mkdir(parents=True, exist_ok=True)
    with (out / "eu-dprk-hangul-errors.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["outcome", "schema", "row", "other_row", "hangul", "latin",
                                                    "our_score", "our_method", "our_explanation", "logicv2_score"])
        writer.writeheader()
        writer.writerows(errors)

    def cell(group: str, who: str) -> str:
        c = tallies[(group, who)]
        return f"recall {c.recall:.3f}, precision {c.precision:.3f}"

    people_ok = tallies[("people", "ours")].recall >= 0.95 and tallies[("people", "ours")].precision >= 0.99
    summary = [Summary(f"EU 2017/1509 Hangul ↔ Latin, people ({sum(1 for i in listed if i['schema'] == 'Person')} rows)",
                       cell("people", "ours"), cell("people", "logic-v2") if theirs else skip,
                       "recall ≥ 0.95 at precision ≥ 0.99", yes(people_ok)),
               Summary("EU 2017/1509 Hangul ↔ Latin, organisations (translated names)", cell("organisations", "ours"),
                       cell("organisations", "logic-v2") if theirs else skip)]
    cover = tallies[("people: cover names", "ours")]
    header = ["rows", "pairs (+ / −)", "moneymen TP", "FN", "FP", "recall", "precision",
              "logic-v2 TP", "FN", "FP", "recall", "precision"]
    body = []
    for group in ("people", "people: cover names", "organisations"):
        a, b = tallies[(group, "ours")], tallies[(group, "logic-v2")]
        rows = sum(1 for i in listed if (i["schema"] == "Person") == group.startswith("people"))
        body.append([f"{group}: {rows}", f"{a.tp + a.fn} / {a.fp + a.tn}", str(a.tp), str(a.fn), str(a.fp),
                     f"{a.recall:.3f}", f"{a.precision:.3f}",
                     *( [str(b.tp), str(b.fn), str(b.fp), f"{b.recall:.3f}", f"{b.precision:.3f}"] if theirs
                        else ["—"] * 5)])
    lines = [f"### 2. Hangul against Latin names: EU Regulation 2017/1509 annexes ({path.name})", "",
             markdown_table(header, body, "lrrrrrrrrrrr"), "",
             f"- positives: each Hangul name of a row with each Latin name of the same row; negatives: the Hangul "
             f"name with the Latin names of other rows with the same Hangul surname (people) or of every other "
             f"organisation with a Hangul name. {excluded} row pairs that share a whole Hangul name were left out. "
             f"'cover names': {cover.tp + cover.fn} positive pairs whose Latin alias is another name, not a "
             f"romanization ({', '.join(sorted(OTHER_NAMES))}); not in the people row.",
             f"- our misses and false matches: {_display(out / 'eu-dprk-hangul-errors.csv')}"]
    return summary, lines, errors


# -- 3. given-name syllables swapped or replaced ----------------------------------------------------------


def bundled_korean_names(surnames: set[str]) -> list[list[str]]:
    """Three-syllable Korean names (surname first) from the UN and OFAC DPRK lists bundled with moneymen."""
    from lxml import etree

    data = REPO / "src" / "moneymen" / "data"
    names: list[str] = []
    un = next(iter(sorted(data.glob("un_sc_dprk_*.xml"))), None)
    if un is not None:
        tree = etree.parse(str(un), etree.XMLParser(resolve_entities=False, no_network=True))
        for person in tree.iter("INDIVIDUAL"):
            parts = [c.text.strip() for c in person if c.tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME") and c.text]
            names.append(" ".join(parts))
            names.extend(a.findtext("ALIAS_NAME") for a in person.iter("INDIVIDUAL_ALIAS") if a.findtext("ALIAS_NAME"))
    ofac = next(iter(sorted(data.glob("ofac_sdn_dprk_*.csv"))), None)
    if ofac is not None:
        with ofac.open(encoding="utf-8") as handle:
            names.extend(row["SDN_Name"] for row in csv.DictReader(handle) if row["SDN_Type"] == "individual")
    found: dict[tuple[str, ...], list[str]] = {}
    for name in names:
        tokens = korean_syllables(name.strip(), surnames)
        if tokens and len(tokens) == 3:
            key = tuple(_fold(t).translate(_APOSTROPHES) for t in tokens)
            found.setdefault(key, [t.capitalize() if i else t.upper() for i, t in enumerate(tokens)])
    return [found[key] for key in sorted(found)]


HAND_CASES = [("Kim Jong Un", "Kim Un Jong", "swap"), ("Kim Jong Un", "Kim Jong Nam", "replace"),
              ("Kim Jong Un", "Kim Jong Il", "replace"), ("Kim Jong Il", "Kim Jong Nam", "replace"),
              ("Kim Jong Un", "Kim Jong Chol", "replace"), ("Kim Jong Un", "Kim Yo Jong", "replace")]
HAND_CONTROLS = [("Kim Jong Un", "KIM Jong-un"), ("Kim Jong Un", "Kim Jong-Un"), ("Kim Jong Un", "KIM, Jong Un")]


def syllable_pairs(surnames: set[str], seed: int, replacements: int = 2):
    """(name, variant, kind) for every bundled three-syllable name, plus spelling-variant controls."""
    import random

    names = bundled_korean_names(surnames)
    pool = sorted({given for name in names for given in name[1:]}, key=str.lower)
    rng = random.Random(seed)
    cases, controls = list(HAND_CASES), list(HAND_CONTROLS)
    for surname, first, second in names:
        original = f"{surname} {first} {second}"
        if clearly_different(first, second):
            cases.append((original, f"{surname} {second} {first}", "swap"))
        for variant in _replaced(surname, first, second, pool, rng, replacements):
            cases.append((original, variant, "replace"))
        controls.append((original, f"{surname} {first}-{second.lower()}"))
        controls.append((original, f"{surname.capitalize()} {first} {second}".upper()))
    return names, cases, controls


def _replaced(surname: str, first: str, second: str, pool: list[str], rng, count: int) -> list[str]:
    """The name with one given syllable replaced by a clearly different one from ``pool``, for each position."""
    out = []
    for position in (0, 1):
        given = [first, second]
        choices = [s for s in pool if clearly_different(s, given[position]) and clearly_different(s, given[1 - position])]
        for syllable in rng.sample(choices, min(count, len(choices))):
            changed = list(given)
            changed[position] = syllable
            out.append(f"{surname} {changed[0]} {changed[1]}")
    return out


def hangul_syllable_pairs(path: Path, surnames: set[str], seed: int, replacements: int = 2):
    """The same test in Hangul, from the EU annexes (evaluation only): three-syllable Hangul names of people
    against their given syllables swapped or one replaced (in Hangul, any other syllable is another
    name), and against the row's own Latin spellings with the same change made."""
    import random

    listed, _, _, _ = eu_pairs(path)
    rng = random.Random(seed)
    people = [item for item in listed if item["schema"] == "Person"]
    hangul_names = sorted({h for item in people for h in item["hangul"] if len(h) == 3 and HANGUL.fullmatch(h[0])
                           and all(HANGUL.match(c) for c in h)})
    syllables = sorted({h[i] for h in hangul_names for i in (1, 2)})
    cases = []
    for name in hangul_names:
        if name[1] != name[2]:
            cases.append((name, name[0] + name[2] + name[1], "swap, Hangul"))
        for position in (1, 2):
            for syllable in rng.sample([s for s in syllables if s not in (name[1], name[2])], replacements):
                changed = list(name)
                changed[position] = syllable
                cases.append((name, "".join(changed), "replace, Hangul"))
    latin_pool = sorted({t for item in people for l_ in item["latin"] for t in (korean_syllables(l_, surnames) or [])[1:]},
                        key=str.lower)
    for item in people:
        for h in item["hangul"]:
            if len(h) != 3:
                continue
            for latin in item["latin"]:
                tokens = korean_syllables(latin, surnames)
                if not tokens or len(tokens) != 3:
                    continue
                surname, first, second = tokens[0], tokens[1].capitalize(), tokens[2].capitalize()
                if clearly_different(first, second):
                    cases.append((h, f"{surname} {second} {first}", "swap, Hangul vs Latin"))
                for variant in _replaced(surname, first, second, latin_pool, rng, 1):
                    cases.append((h, variant, "replace, Hangul vs Latin"))
    return hangul_names, cases


def measure_syllables(shared: Path, baseline: Baseline | None, skip: str, out: Path, surnames: set[str], seed: int):
    names, cases, controls = syllable_pairs(surnames, seed)
    eu = shared / "sanctions" / "eu-dprk-2017" / "32017R1509.csv"
    hangul_names: list[str] = []
    if eu.is_file():
        hangul_names, more = hangul_syllable_pairs(eu, surnames, seed)
        cases += more
    pairs = [Pair.names("Person", a, b) for a, b, _ in cases]
    control_pairs = [Pair.names("Person", a, b) for a, b in controls]
    mine, mine_controls = ours(pairs), ours(control_pairs)
    theirs = baseline.score(pairs) if baseline else None
    theirs_controls = baseline.score(control_pairs) if baseline else None
    counts: dict[tuple[str, str], int] = Counter()
    totals = Counter(kind for _, _, kind in cases)
    wrong = []
    for number, (a, b, kind) in enumerate(cases):
        if mine[number].match:
            counts[(kind, "ours")] += 1
        if theirs and theirs[number].match:
            counts[(kind, "logic-v2")] += 1
        if mine[number].match or (theirs and theirs[number].match):
            wrong.append({"kind": kind, "name": a, "variant": b, "our_match": mine[number].match,
                          "our_score": f"{mine[number].score:.3f}", "our_explanation": mine[number].why,
                          "logicv2_match": theirs[number].match if theirs else "",
                          "logicv2_score": f"{theirs[number].score:.3f}" if theirs else ""})
    out.mkdir(parents=True, exist_ok=True)
    with (out / "syllable-false-matches.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["kind", "name", "variant", "our_match", "our_score",
                                                    "our_explanation", "logicv2_match", "logicv2_score"])
        writer.writeheader()
        writer.writerows(wrong)
    ours_false = sum(v for (k, who), v in counts.items() if who == "ours")
    base_false = sum(v for (k, who), v in counts.items() if who == "logic-v2")
    control_ours = sum(v.match for v in mine_controls)
    control_base = sum(v.match for v in theirs_controls) if theirs_controls else 0
    summary = [Summary(f"Korean given-name syllables swapped / replaced ({len(cases)} pairs): false matches",
                       f"{ours_false} ({ours_false / len(cases):.1%})",
                       f"{base_false} ({base_false / len(cases):.1%})" if theirs else skip, "0", yes(ours_false == 0)),
               Summary(f"  control: same names respelt ({len(controls)} pairs): matched",
                       f"{control_ours} ({control_ours / len(controls):.1%})",
                       f"{control_base} ({control_base / len(controls):.1%})" if theirs else skip)]
    header = ["kind", "pairs", "moneymen false matches", "logic-v2 false matches"]
    body = [[kind, str(totals[kind]), str(counts[(kind, "ours")]), str(counts[(kind, "logic-v2")]) if theirs else "—"]
            for kind in dict.fromkeys(kind for _, _, kind in cases)]
    body.append(["control (hyphen, case, comma: should match)", str(len(controls)),
                 f"{control_ours} matched", f"{control_base} matched" if theirs else "—"])
    lines = [f"### 3. Korean given names with syllables swapped or replaced ({len(names)} three-syllable names "
             f"from the bundled UN and OFAC DPRK lists; {len(hangul_names)} Hangul names from the EU annexes)", "",
             markdown_table(header, body, "lrrr"), "",
             "- a replacement syllable differs from the one it replaces in a consonant (initial or final), so it is "
             "never a spelling variant of it (Jong/Jung, Chol/Cheol are not used); the controls write the same name "
             "with a hyphen, in capitals, or with a comma. Hangul rows (EU annexes, evaluation only): any other "
             "Hangul syllable is another name; 'Hangul vs Latin' pairs the Hangul name with the same row's Latin "
             "spelling, swapped or with one syllable replaced.",
             f"- false matches of either matcher: {_display(out / 'syllable-false-matches.csv')}"]
    missed_controls = [(a, b, v.why) for (a, b), v in zip(controls, mine_controls) if not v.match]
    if missed_controls:
        lines.append(f"- controls we did not match: {len(missed_controls)}, e.g. "
                     + "; ".join(f"{a} / {b}" for a, b, _ in missed_controls[:5]))
    return summary, lines, pairs + control_pairs


# -- 4. speed -------------------------------------------------------------------------------------------


def clear_caches() -> list[str]:
    """Empty the per-value caches of moneymen's name and matching code and of rigour; return their names.

    Only bounded caches are cleared (an ``lru_cache`` with a ``maxsize``: memos of names, tokens and
    syllables met so far). Unbounded ones hold tables read once per process (romanization tables,
    grammars) and are kept: a long-running screener pays for them once. Caches held by objects (a
    syllable grammar's) are found through the garbage collector.
    """
    import functools
    import gc

    prefixes = ("moneymen.match", "moneymen.names", "rigour")
    cleared = []

    def clear(owner: str, attribute: str, value: object) -> None:
        if isinstance(value, functools._lru_cache_wrapper) and value.cache_info().maxsize is not None:
            value.cache_clear()
            cleared.append(f"{owner}.{attribute}")

    for name, module in list(sys.modules.items()):
        if module is not None and name.startswith(prefixes):
            for attribute, value in list(vars(module).items()):
                if getattr(value, "__module__", None) == name:
                    clear(name, attribute, value)
    for thing in gc.get_objects():
        kind = type(thing)
        owner = getattr(kind, "__module__", None)
        if isinstance(owner, str) and owner.startswith(prefixes) and not isinstance(thing, type) \
                and isinstance(getattr(thing, "__dict__", None), dict):
            for attribute, value in list(vars(thing).items()):
                clear(kind.__name__, attribute, value)
    return sorted(set(cleared))


def time_ours(pairs: list[Pair], rounds: int) -> tuple[list[float], list[float], list[str]]:
    from moneymen.match.profiles import Profile, compare_profiles

    built = [(Profile.from_properties(p.query_schema, p.query), Profile.from_properties(p.candidate_schema, p.candidate))
             for p in pairs]
    cold = []
    cleared: list[str] = []
    for _ in range(rounds):
        cleared = clear_caches()
        begin = time.perf_counter()
        for query, candidate in built:
            compare_profiles(query, candidate)
        cold.append(time.perf_counter() - begin)
    warm = []
    for _ in range(rounds):
        begin = time.perf_counter()
        for query, candidate in built:
            compare_profiles(query, candidate)
        warm.append(time.perf_counter() - begin)
    return cold, warm, cleared


def measure_speed(sets: list[tuple[str, list[Pair]]], baseline_python: Path, skip: str, rounds: int):
    summary, body = [], []
    cleared: list[str] = []
    for label, pairs in sets:
        if not pairs:
            continue
        cold, warm, cleared = time_ours(pairs, rounds)
        ours_warm, ours_cold = len(pairs) / statistics.median(warm), len(pairs) / statistics.median(cold)
        base_warm = base_cold = None
        note = skip
        if not skip:
            worker, note = start_baseline(baseline_python)  # a fresh worker: its caches start empty
            if worker:
                try:
                    seconds = worker.time(pairs, rounds + 1)
                    base_cold, base_warm = len(pairs) / seconds[0], len(pairs) / statistics.median(seconds[1:])
                finally:
                    worker.close()
        body.append([label, f"{len(pairs):,}", f"{ours_warm:,.0f}", f"{ours_cold:,.0f}",
                     f"{base_warm:,.0f}" if base_warm else note or "—", f"{base_cold:,.0f}" if base_cold else "—",
                     f"{ours_warm / base_warm:.1f}×" if base_warm else "—"])
        if not summary:
            summary.append(Summary(f"pair comparisons/s, one core, warm ({label})", f"{ours_warm:,.0f}",
                                   f"{base_warm:,.0f}" if base_warm else note, "≥ 20,000/s", yes(ours_warm >= 20_000)))
            summary.append(Summary("  the same, caches cold", f"{ours_cold:,.0f}",
                                   f"{base_cold:,.0f}" if base_cold else note))
    header = ["pairs", "count", "moneymen warm /s", "moneymen cold /s", "logic-v2 warm /s", "logic-v2 cold /s", "speed-up (warm)"]
    lines = ["### 4. Pair comparisons per second (one core, process start-up and entity building excluded)", "",
             markdown_table(header, body, "lrrrrrr"), "",
             f"- medians of {rounds} rounds over all pairs. moneymen: `compare_profiles` in this process on "
             "prebuilt `Profile`s; warm = after a pass that filled its caches; cold = its caches cleared before "
             f"each round ({len(cleared)} bounded caches of moneymen's name code and of rigour; tables loaded once "
             "per process are kept). logic-v2: `LogicV2.compare` in the worker on prebuilt followthemoney "
             "entities; cold = its first round in a fresh worker that has compared one unrelated pair per schema "
             "(so that loading its tables is not counted), warm = the median of the later rounds."]
    return summary, lines


# -- 5. whole processes: moneymen match-pairs and logic-v2 over the same CSV ---------------------------------


def pairs_key(pair: Pair) -> tuple[str, str, str]:
    """(left name, right name, schema) of a pair of names."""
    return pair.query["name"][0], pair.candidate["name"][0], pair.query_schema


def process_pairs(pairs: list[Pair], count: int, seed: int) -> list[tuple[str, str, str]]:
    """``count`` distinct (left, right, schema) name pairs: those of ``pairs`` first, then the first name
    of one pair with the second name of another of the same schema, drawn at random."""
    import random

    chosen = list(dict.fromkeys(pairs_key(pair) for pair in pairs))
    seen = set(chosen)
    rng = random.Random(seed)
    while len(chosen) < count:
        left, _, schema = rng.choice(chosen)
        _, right, other = rng.choice(chosen)
        if schema == other and (left, right, schema) not in seen:
            seen.add((left, right, schema))
            chosen.append((left, right, schema))
    return chosen[:count]


def measure_process(pairs: list[Pair], baseline_python: Path, skip: str, rounds: int, seed: int):
    """``moneymen match-pairs IN.csv -o OUT.csv`` and logic-v2 over the same CSV (``baseline_worker.py --pairs``),
    each a whole process from start to exit, interleaved round by round."""
    rows = process_pairs(pairs, PROCESS_PAIRS, seed)
    timings: dict[str, list[tuple[float, float, float]]] = {"moneymen": [], "logic-v2": []}
    with tempfile.TemporaryDirectory(prefix="moneymen-pairs-") as folder:
        source = Path(folder) / "pairs.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["left", "right", "schema"])
            writer.writerows(rows)
        env = installed_env(Path(folder))
        commands = {"moneymen": [sys.executable, "-m", "moneymen.cli", "match-pairs", str(source), "-o",
                                 str(Path(folder) / "moneymen.csv")]}
        if not skip and baseline_python.exists():
            commands["logic-v2"] = [str(baseline_python), str(WORKER), "--pairs", str(source),
                                    str(Path(folder) / "logic-v2.csv")]
        for command in commands.values():
            timed(command, env)  # writes the bytecode, untimed
        loads = [os.getloadavg()[0]]
        for _ in range(rounds):
            for who, command in commands.items():
                timings[who].append(timed(command, env))
            loads.append(os.getloadavg()[0])
        for who in commands:
            with (Path(folder) / f"{who}.csv").open(encoding="utf-8", newline="") as handle:
                written = sum(1 for _ in csv.DictReader(handle))
            if written != len(rows):
                raise SystemExit(f"{who} wrote {written} pairs of {len(rows)}")
    wall = {who: statistics.median(s for s, _, _ in runs) for who, runs in timings.items() if runs}
    cpu = {who: statistics.median(c for _, _, c in runs) for who, runs in timings.items() if runs}
    labels = {"moneymen": "`moneymen match-pairs IN.csv -o OUT.csv`",
              "logic-v2": "logic-v2: `baseline_worker.py --pairs IN.csv OUT.csv`"}
    body = [[labels[who], f"{len(rows):,}", f"{wall[who]:.2f}",
             f"{min(s for s, _, _ in timings[who]):.2f}", f"{cpu[who]:.2f}",
             f"{max(r for _, r, _ in timings[who]):,.0f}", f"{len(rows) / wall[who]:,.0f}"] for who in wall]
    ratio = wall["logic-v2"] / wall["moneymen"] if "logic-v2" in wall else None
    summary = [Summary(f"{len(rows):,} name pairs scored, whole processes: seconds (speed-up)",
                       f"{wall['moneymen']:.2f} s" + (f" ({ratio:.1f}×)" if ratio else ""),
                       f"{wall['logic-v2']:.2f} s" if ratio else skip or "skipped", "≥ 10×",
                       yes(ratio >= 10) if ratio else "—")]
    header = ["process", "pairs", "median s", "fastest s", "CPU s", "peak RSS MiB", "pairs/s"]
    lines = [f"### 5. Scoring a CSV of {len(rows):,} name pairs, whole processes (start-up included)", "",
             markdown_table(header, body, "lrrrrrr"), "",
             f"- speed-up (median wall time): {ratio:.1f}× (CPU time: {cpu['logic-v2'] / cpu['moneymen']:.1f}×)"
             if ratio else f"- logic-v2 {skip or 'skipped'}",
             f"- medians of {rounds} rounds, the two interleaved; each process timed from start to exit, its "
             "bytecode cached (one untimed run of each first); load average (1 min) "
             f"{min(loads):.1f} to {max(loads):.1f}. Pairs: the {len(dict.fromkeys(pairs_key(p) for p in pairs)):,} "
             "distinct name pairs of measures 1–3, then the first name of one with the second name of another of "
             f"the same schema, drawn at random (seed {seed}), up to {len(rows):,}. logic-v2 builds a "
             "followthemoney entity of each name (a fresh id each) and runs `LogicV2.compare` with its default "
             "config; moneymen reads the CSV with its bounds and writes every cell guarded against formulas."]
    return summary, lines


# -- 6. yente's name benchmark against the UN list ---------------------------------------------------------


def _name_key(text: str) -> tuple[str, ...]:
    return tuple(sorted(re.sub(r"[^a-z0-9 ]", " ", _fold(text)).split()))


def measure_yente(shared: Path, baseline: Baseline | None, skip: str, out: Path, threshold: float,
                  candidates: int):
    from moneymen.services.imports import import_file
    from moneymen.match.profiles import Profile
    from moneymen.services.screening import screener_of_store
    from moneymen.store import open_store

    folder = shared / "names" / "yente-name-benchmark"
    un_xml = shared / "sanctions" / "un" / "un_consolidated_2025-11-20.xml"
    if not folder.is_dir() or not un_xml.is_file():
        note = f"skipped: {folder if not folder.is_dir() else un_xml} not found"
        return [Summary("yente name benchmark", note, note)], [], []
    with tempfile.TemporaryDirectory(prefix="moneymen-bench-") as tmp:
        store = open_store(Path(tmp) / "un.duckdb")
        try:
            import_file(store, un_xml, "un")
            begin = time.perf_counter()
            screener = screener_of_store(store)
            build = time.perf_counter() - begin
        finally:
            store.close()
    people = [e for e in screener.entities if e.schema == "Person"]
    by_key: dict[tuple[str, ...], list] = defaultdict(list)
    for entity in people:
        for value in entity.properties.get("name", []) + entity.properties.get("alias", []):
            by_key[_name_key(value)].append(entity)

    def read(name: str) -> list[dict]:
        with (folder / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    untreated = read("positives_un_untreated.csv")
    truth: list[str | None] = []
    for row in untreated:
        found = list({e.id: e for e in by_key.get(_name_key(row["full_name"]), [])}.values())
        if len(found) > 1 and row["date_of_birth"]:
            dated = [e for e in found if any(d.startswith(row["date_of_birth"][:4]) for d in e.properties.get("birthDate", []))]
            found = dated or found
        truth.append(found[0].id if len(found) == 1 else None)

    def truth_of(rows: list[dict]) -> list[str | None]:
        """The UN record of each row: the untreated row's, unless the row's own name is another UN person's."""
        out = []
        for number, row in enumerate(rows):
            own = {e.id for e in by_key.get(_name_key(row["full_name"]), [])}
            out.append(next(iter(own)) if len(own) == 1 and truth[number] not in own else truth[number])
        return out

    def query_of(row: dict):
        props = {"name": [row["full_name"]]}
        if row.get("date_of_birth"):
            props["birthDate"] = [row["date_of_birth"]]
        if row.get("nationality"):
            props["nationality"] = [row["nationality"]]
        return props

    treated = read("positives_un_treated.csv")
    truths = {"positives_un_untreated": truth, "positives_un_treated": truth_of(treated)}
    moved = sum(a != b for a, b in zip(truth, truths["positives_un_treated"]))
    sets = [("positives_un_untreated", untreated, True), ("positives_un_treated", treated, True),
            ("negatives_global_sample", read("negatives_global_sample.csv"), False),
            ("positives_us_congress_untreated", read("positives_us_congress_untreated.csv"), False)]
    person_ids = {e.id for e in people}
    results = {}
    profile_pairs: list[Pair] = []
    details = []
    for label, rows, positive in sets:
        ours_hits = base_hits = counted = 0
        requests: list[tuple[int, Pair, str]] = []
        seconds = 0.0
        for number, row in enumerate(rows):
            target = truths[label][number] if positive else None
            if positive and target is None:
                continue
            counted += 1
            props = query_of(row)
            query = Profile.from_properties("Person", props)
            begin = time.perf_counter()
            hits = screener.screen(query, threshold=threshold, limit=5)
            seconds += time.perf_counter() - begin
            matched = [h for h in hits if h.match.match and h.entity.id in person_ids]
            hit = any(h.entity.id == target for h in matched) if positive else bool(matched)
            ours_hits += hit
            if positive != hit:
                best = next((h for h in hits if h.entity.id == target), None) if positive else matched[0]
                details.append({"set": label, "query": row["full_name"], "dob": row["date_of_birth"],
                                "nationality": row["nationality"],
                                "listed": (screener.by_id[target].caption if positive else best.entity.caption),
                                "our_score": f"{best.score:.3f}" if best else "not in results",
                                "our_explanation": explain(best.match) if best else "",
                                "top_result": f"{hits[0].entity.caption} {hits[0].score:.3f}" if hits else ""})
            for position in screener.index.candidates(query)[0][:candidates].tolist():
                entity = screener.entities[position]
                if entity.id in person_ids:
                    pair = Pair("Person", props, "Person", entity.properties)
                    requests.append((number, pair, entity.id))
        if baseline and requests:
            scores = baseline.score([pair for _, pair, _ in requests])
            matched_rows: dict[int, set[str]] = defaultdict(set)
            for (number, _, entity_id), verdict in zip(requests, scores):
                if verdict.match:
                    matched_rows[number].add(entity_id)
            for number in range(len(rows)):
                if positive:
                    target = truths[label][number]
                    base_hits += target is not None and target in matched_rows.get(number, ())
                else:
                    base_hits += bool(matched_rows.get(number))
        profile_pairs.extend(pair for _, pair, _ in requests[::max(1, len(requests) // 750)][:750])
        results[label] = (counted, ours_hits, base_hits, seconds, len(requests))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "yente-bench-errors.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["set", "query", "dob", "nationality", "listed", "our_score",
                                                    "our_explanation", "top_result"])
        writer.writeheader()
        writer.writerows(details)

    def rate(label: str, base: bool) -> str:
        counted, ours_hits, base_hits, _, _ = results[label]
        value = base_hits if base else ours_hits
        return f"{value / counted:.3f} ({value}/{counted})" if counted else "—"

    base = (lambda label: rate(label, True)) if baseline else (lambda label: skip)
    summary = [Summary("yente bench: UN people found, as listed (recall)", rate("positives_un_untreated", False),
                       base("positives_un_untreated")),
               Summary("yente bench: UN people found, seeded typos (recall)", rate("positives_un_treated", False),
                       base("positives_un_treated")),
               Summary("yente bench: synthetic people matching a UN person (FP rate)",
                       rate("negatives_global_sample", False), base("negatives_global_sample")),
               Summary("yente bench: US Congress members matching a UN person (FP rate)",
                       rate("positives_us_congress_untreated", False), base("positives_us_congress_untreated"))]
    header = ["fixture", "queries", "moneymen", "logic-v2 on the same candidates", "moneymen q/s", "logic-v2 pairs"]
    body = []
    for label, _, positive in sets:
        counted, ours_hits, base_hits, seconds, pairs = results[label]
        body.append([f"{label} ({'recall' if positive else 'FP rate'})", str(counted), rate(label, False),
                     base(label), f"{counted / seconds:,.0f}" if seconds else "—", f"{pairs:,}"])
    unresolved = sum(t is None for t in truth)
    lines = [f"### 6. yente's name benchmark against the UN list ({un_xml.name}: {len(screener.entities):,} "
             f"entities, {len(people):,} people; screener built in {build:.2f} s)", "",
             markdown_table(header, body, "lrrrrr"), "",
             f"- queries: full_name, date_of_birth and nationality of each row, screened with threshold {threshold} "
             "and limit 5; a positive counts when the UN record it was made from is among the matches, a "
             "negative when any UN person matches.",
             f"- the UN record of each positive row is the person whose name or alias has the same words as the "
             f"untreated full_name (birth year breaks ties); {unresolved} of {len(untreated)} rows found none "
             "(delisted after the fixtures were made, or named differently) and are not counted. The treated file "
             f"follows the untreated one row by row, except {moved} row(s) whose name is another UN person's "
             "(the fixtures were drawn separately); those count against that person.",
             "- logic-v2: yente publishes no figures for these fixtures, so logic-v2 scores the people among "
             f"our index's top {candidates} candidates for each query (yente scores 50 search candidates); its "
             "recall is bounded by our candidate index.",
             f"- our misses and false matches: {_display(out / 'yente-bench-errors.csv')}"]
    return summary, lines, profile_pairs


# -- main -------------------------------------------------------------------------------------------


def matcher_state() -> str:
    """Which matcher was measured: a digest of the matching and name code, and its latest change."""
    import hashlib
    from datetime import datetime, timezone

    digest = hashlib.sha256()
    latest = 0.0
    for folder in ("match", "names"):
        for path in sorted((REPO / "src" / "moneymen" / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
                latest = max(latest, path.stat().st_mtime)
    when = datetime.fromtimestamp(latest, timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if latest else "?"
    return f"matcher code (src/moneymen/match + names) sha256 {digest.hexdigest()[:12]}, last changed {when}"


def _display(path: Path) -> str:
    path = path.resolve()
    if path.is_relative_to(REPO.parent):
        return os.path.relpath(path, REPO)
    return str(path)


def wait_for_matcher(seconds: float) -> None:
    """Poll until ``moneymen.match.profiles`` imports (for runs alongside work on the matcher)."""
    deadline = time.monotonic() + seconds
    while True:
        probe = subprocess.run([sys.executable, "-c", "from moneymen.match.profiles import Profile, compare_profiles"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            return
        if time.monotonic() >= deadline:
            raise SystemExit(f"moneymen's matcher does not import:\n{probe.stderr.strip().splitlines()[-1]}")
        time.sleep(min(30.0, max(1.0, deadline - time.monotonic())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help=f"the shared data folder (default: {DEFAULT_SHARED})")
    parser.add_argument("--baseline-python", type=Path, default=DEFAULT_BASELINE,
                        help="python of the environment with nomenklatura (default: bench/.venv-baseline/bin/python)")
    parser.add_argument("--no-baseline", action="store_true", help="run moneymen alone")
    parser.add_argument("--measures", nargs="+", choices=ALL_MEASURES, default=list(ALL_MEASURES),
                        help="which measures to run (default: all)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds for the speed measure; medians shown (default: 5)")
    parser.add_argument("--threshold", type=float, default=0.7, help="screening threshold for the yente measure (default: 0.7)")
    parser.add_argument("--candidates", type=int, default=50,
                        help="index candidates per yente query that logic-v2 scores (default: 50)")
    parser.add_argument("--seed", type=int, default=1718, help="seed for the syllable replacements (default: 1718)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="where error lists go (default: bench/out)")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for the matcher to import (default: 0)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    wait_for_matcher(args.wait)

    begin = time.perf_counter()
    from moneymen.match.profiles import Profile, compare_profiles  # noqa: F401  (pays the import before timing)

    warm_up = time.perf_counter() - begin
    state = matcher_state()
    skip = "skipped: --no-baseline" if args.no_baseline else ""
    baseline = None
    if not args.no_baseline:
        baseline, skip = start_baseline(args.baseline_python)
    surnames = load_surnames(args.shared)
    summary: list[Summary] = []
    sections: dict[str, list[str]] = {}
    speed_sets: list[tuple[str, list[Pair]]] = []
    name_pairs: list[Pair] = []
    try:
        if "nk" in args.measures:
            print("1. nomenklatura name_bench …", file=sys.stderr, flush=True)
            rows, lines, _ = measure_nk(args.shared, baseline, skip, args.out, surnames)
            summary += rows
            sections["nk"] = lines
            folder = args.shared / "names" / "nomenklatura-name-bench" / "cases.csv"
            if folder.is_file():
                with folder.open(encoding="utf-8") as handle:
                    name_pairs += [Pair.names(c["schema"], c["name1"], c["name2"]) for c in csv.DictReader(handle)]
        if "eu" in args.measures:
            print("2. EU 2017/1509 Hangul ↔ Latin …", file=sys.stderr, flush=True)
            rows, lines, _ = measure_eu(args.shared, baseline, skip, args.out)
            summary += rows
            sections["eu"] = lines
            path = args.shared / "sanctions" / "eu-dprk-2017" / "32017R1509.csv"
            if path.is_file():
                _, positives, negatives, _ = eu_pairs(path)
                name_pairs += [Pair.names(item["schema"], h, l_) for item, h, l_, _ in positives + negatives]
        if "syllables" in args.measures:
            print("3. Korean syllable swaps …", file=sys.stderr, flush=True)
            rows, lines, pairs = measure_syllables(args.shared, baseline, skip, args.out, surnames, args.seed)
            summary += rows
            sections["syllables"] = lines
            name_pairs += pairs
        profile_pairs: list[Pair] = []
        if "yente" in args.measures:
            print("6. yente name benchmark against the UN list …", file=sys.stderr, flush=True)
            rows, lines, profile_pairs = measure_yente(args.shared, baseline, skip, args.out, args.threshold,
                                                       args.candidates)
            summary += rows
            sections["yente"] = lines
        if not name_pairs and {"speed", "process"} & set(args.measures):
            _, _, name_pairs = measure_syllables(args.shared, None, "skipped", args.out, surnames, args.seed)
        if "speed" in args.measures:
            print("4. speed …", file=sys.stderr, flush=True)
            speed_sets = [("name pairs of measures 1–3", name_pairs),
                          ("yente queries × UN people (name, birth date, nationality)", profile_pairs)]
            rows, lines = measure_speed(speed_sets, args.baseline_python, skip, args.rounds)
            summary += rows
            sections["speed"] = lines
        if "process" in args.measures:
            print(f"5. {PROCESS_PAIRS:,} pairs, whole processes …", file=sys.stderr, flush=True)
            rows, lines = measure_process(name_pairs, args.baseline_python, skip, args.rounds, args.seed)
            summary += rows
            sections["process"] = lines
    finally:
        if baseline:
            baseline.close()

    print("## Matching: moneymen next to nomenklatura logic-v2\n")
    print("\n".join(machine_facts()))
    versions = baseline.versions if baseline else {}
    print(f"- rigour {_dist_version('rigour')}; baseline: "
          + (f"nomenklatura {versions.get('nomenklatura')} logic-v2 (followthemoney {versions.get('followthemoney')}, "
             f"rigour {versions.get('rigour')}), threshold {BASELINE_THRESHOLD}, default config" if versions else skip))
    print(f"- {state}")
    print(f"- moneymen decides with `compare_profiles(…).match` at its default threshold; once per process, "
          f"{warm_up:.2f} s to import the matcher (not in any figure)\n")
    print(markdown_table(["measure", "moneymen", "logic-v2", "target", "met?"],
                         [[s.measure, s.ours, s.baseline, s.target, s.met] for s in summary], "lllll"))
    for measure in ("nk", "eu", "syllables", "speed", "process", "yente"):
        if measure in sections:
            print("\n" + "\n".join(sections[measure]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
