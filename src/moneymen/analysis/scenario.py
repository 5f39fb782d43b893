"""Scenario files: what-if questions about a network, written down so they can be run again.

A scenario (TOML or YAML; the format is documented with a full example in ``docs/scenarios.md``)
names the seeds of a purge, the rules by which exposure spreads, the sink the money flows to,
the graph filters, the parameters of the agents' decisions, the number of Monte Carlo runs and
the seed. :meth:`Scenario.from_file` reads and checks one; :func:`moneymen.services.scenarios.run_scenario`
runs it against a store.

Each rule is checked once, where it lives: the exposure rules by
:class:`moneymen.analysis.purge.ExposureRules`, the money settings (currency, rates, revenue,
method) by :class:`moneymen.analysis.flow_graph.FlowSettings`, the graph filters by
:mod:`moneymen.graph.view` (dates, relation names) and :class:`moneymen.model.Grade`, the decision
parameters by :class:`moneymen.analysis.decisions.DecisionParameters`. This module reads the file,
hands each table to its checker, and turns the checker's ``ValueError`` into a
:class:`ScenarioError` with the key and line.

Every error is a :class:`ScenarioError` naming the file, the key (``decisions.arrest_probability``,
``seeds[1]``), the line where it can be found, and what was expected.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import numbers
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

import yaml

from moneymen import safeyaml
from moneymen.analysis.decisions import DecisionParameters
from moneymen.algorithms.disruption import STRATEGIES
from moneymen.analysis.flow_graph import FlowSettings
from moneymen.analysis.purge import ExposureRules
from moneymen.graph.view import check_as_of, check_relations
from moneymen.model import Grade, InvalidGrade

__all__ = ["Scenario", "ScenarioError", "KNOWN_KEYS", "DISRUPTION_STRATEGIES", "LOST_OUTCOMES", "MAX_SCENARIO_BYTES"]

#: Outcomes that take an agent out of the network unless a scenario says otherwise (``lost_outcomes``):
#: hidden agents may come back, returned ones bring what they know home.
LOST_OUTCOMES = ("captured", "defected", "defected_with_funds")
#: Outcomes an agent can end in that ``lost_outcomes`` may name.
FINAL_OUTCOMES = ("returned", "hidden", "defected", "defected_with_funds", "captured")
#: A scenario file larger than this is not a scenario.
MAX_SCENARIO_BYTES = 1 << 20
#: Strategies a scenario's disruption curves may use (``flow`` needs capacities a curve over the
#: whole graph does not have; the flow analysis covers it).
DISRUPTION_STRATEGIES = tuple(name for name in STRATEGIES if name != "flow")

#: The keys a scenario may have, with what each expects (also the text of "unknown key" errors).
KNOWN_KEYS: dict[str, str] = {
    "name": "a short title",
    "description": "what the scenario asks",
    "seeds": "the purged: entity ids or names",
    "sink": "where the money goes: an entity id or name",
    "currency": "the currency amounts are counted in (ISO code); others are left out unless flows.rates converts them",
    "runs": "Monte Carlo runs",
    "seed": "the random seed",
    "arrest_squads": "countries (ISO codes) where arrest squads are present",
    "removal_threshold": "an agent counts as lost to the network when P(one of lost_outcomes) >= this",
    "lost_outcomes": "the outcomes that take an agent out of the network (default: captured, defected, defected_with_funds)",
    "graph": "graph filters: min_grade, datasets, as_of, relations",
    "rules": "how exposure spreads (ExposureRules)",
    "flows": "how money is counted: rates, revenue, method, route_accounts, orphans_lost, sources",
    "decisions": "parameters of the decision model (DecisionParameters)",
    "targeting": "designation targets: k",
    "key_persons": "key persons: top",
    "disruption": "disruption curves: strategies, steps",
    "sensitivity": "one-at-a-time sensitivity: runs, metric, parameters",
}
_GRAPH_KEYS = {"min_grade": "an Admiralty grade such as C3", "datasets": "a list of dataset names",
               "as_of": "an ISO date", "relations": "a list of FtM relation schemata"}
_FLOW_KEYS = {"rates": "exchange rates into currency", "revenue": "capacity per revenue-earning relation",
              "method": "maxflow or paths", "route_accounts": "route payments through their accounts",
              "orphans_lost": "money through orphaned accounts is lost", "sources": "where money starts (default: origins)"}
_TARGETING_KEYS = {"k": "how many designations"}
_KEY_PERSON_KEYS = {"top": "how many brokers"}
_DISRUPTION_KEYS = {"strategies": f"some of {', '.join(DISRUPTION_STRATEGIES)}", "steps": "nodes removed, one per step"}
_SENSITIVITY_KEYS = {"runs": "runs per setting", "metric": "what to rank parameters by",
                     "parameters": "decision parameters to vary", "change": "relative change (0.5 = ±50 %)"}


class ScenarioError(ValueError):
    """A scenario that cannot be run: which file, which key, which line, and what was expected."""

    def __init__(self, path: str | Path | None, key: str | None, message: str, line: int | None = None):
        self.path = str(path) if path is not None else "<scenario>"
        self.key = key
        self.line = line
        self.message = message
        where = self.path + (f", line {line}" if line else "")
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass
class Scenario:
    """A parsed, checked scenario. Build one with :meth:`from_file` or :meth:`from_text`."""

    name: str
    seeds: tuple[str, ...]
    description: str = ""
    sink: str | None = None
    currency: str | None = None
    runs: int = 1000
    seed: int = 0
    arrest_squads: tuple[str, ...] = ()
    removal_threshold: float = 0.5
    lost_outcomes: tuple[str, ...] = LOST_OUTCOMES
    min_grade: Grade | None = None  # parsed once, when the file is read
    datasets: tuple[str, ...] | None = None
    as_of: str | None = None
    relations: tuple[str, ...] | None = None
    rules: ExposureRules = field(default_factory=ExposureRules)
    flows: FlowSettings = field(default_factory=FlowSettings)
    sources: tuple[str, ...] | None = None
    decisions: DecisionParameters = field(default_factory=DecisionParameters)
    targeting: int | None = None
    key_persons: int | None = None
    disruption: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    path: str = "<scenario>"
    text: str = ""
    format: str = "toml"
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def sha256(self) -> str:
        """SHA-256 of the scenario's text as read (UTF-8)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path) -> "Scenario":
        """Read and check a scenario file (``.toml``, ``.yaml`` or ``.yml``).

        Checks everything a file alone can tell: syntax, unknown keys, types, ranges (a negative
        probability, a zero run count), grades, dates and the decision parameters. What needs the
        store (unknown or ambiguous entities, an empty graph, cyclic ownership over 100 %) is
        checked by :func:`moneymen.services.scenarios.check_scenario`, and when the scenario runs,
        with errors of the same form.
        """
        path = Path(path)
        if not path.is_file():
            raise ScenarioError(path, None, "no such file")
        if path.stat().st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(path, None, f"larger than {MAX_SCENARIO_BYTES // 1024} KiB: not a scenario file")
        suffix = path.suffix.lower()
        if suffix not in (".toml", ".yaml", ".yml"):
            raise ScenarioError(path, None, f"unknown scenario format {suffix or '(no extension)'!r}: "
                                "expected a .toml, .yaml or .yml file")
        try:
            text = safeyaml.read_text(path, what="scenario", limit=MAX_SCENARIO_BYTES)
        except safeyaml.YAMLInputError as error:
            raise ScenarioError(path, None, error.message, error.line) from None
        return cls.from_text(text, format="toml" if suffix == ".toml" else "yaml", path=str(path))

    @classmethod
    def from_text(cls, text: str, *, format: str = "toml", path: str = "<scenario>") -> "Scenario":
        """Read and check a scenario given as text (``format`` ``"toml"`` or ``"yaml"``)."""
        data = _parse(text, format, path)
        return _Checker(text, format, path).scenario(data)

    def with_overrides(self, *, runs: int | None = None, seed: int | None = None) -> "Scenario":
        """A copy with another run count or seed (as ``moneymen scenario run --runs --seed`` gives), checked."""
        from dataclasses import replace

        if runs is not None and (isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= 10_000_000):
            raise ScenarioError(self.path, "runs", f"expected a whole number from 1 to 10,000,000, found {runs!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63):
            raise ScenarioError(self.path, "seed", f"expected a whole number from 0 to 2^63 - 1, found {seed!r}")
        return replace(self, runs=self.runs if runs is None else runs, seed=self.seed if seed is None else seed)

    def to_dict(self) -> dict[str, Any]:
        """The scenario's settings as JSON-ready data (the text itself is kept with every run)."""
        return {
            "name": self.name, "description": self.description, "file": self.path, "format": self.format,
            "sha256": self.sha256, "seeds": list(self.seeds), "sink": self.sink, "currency": self.currency,
            "runs": self.runs, "seed": self.seed, "arrest_squads": list(self.arrest_squads),
            "removal_threshold": self.removal_threshold, "lost_outcomes": list(self.lost_outcomes),
            "graph": {"min_grade": str(self.min_grade) if self.min_grade else None, "datasets": list(self.datasets) if self.datasets else None,
                      "as_of": self.as_of, "relations": list(self.relations) if self.relations else None},
            "rules": self.rules.to_dict(), "flows": {**self.flows.to_dict(), "sources": list(self.sources or []) or None},
            "decisions": self.decisions.to_dict(), "targeting": self.targeting,
            "key_persons": self.key_persons, "disruption": self.disruption, "sensitivity": self.sensitivity,
        }

    def error(self, key: str | None, message: str) -> ScenarioError:
        """A :class:`ScenarioError` about ``key`` of this scenario, with the line where the key is written."""
        return ScenarioError(self.path, key, message, line_of(self.text, self.format, key) if key else None)


# -- parsing -----------------------------------------------------------------------------------

def _parse(text: str, format: str, path: str) -> dict[str, Any]:
    if len(text) > MAX_SCENARIO_BYTES:
        raise ScenarioError(path, None, f"larger than {MAX_SCENARIO_BYTES // 1024} KiB: not a scenario")
    if format == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            match = re.search(r"\(at line (\d+)", str(error))
            line = int(match.group(1)) if match else (len(text.splitlines()) or None if "end of document" in str(error)
                                                         else getattr(error, "lineno", None))
            raise ScenarioError(path, None, f"invalid TOML: {error}", line) from None
        except ValueError as error:  # an integer of more than 4,300 digits
            raise ScenarioError(path, None, f"invalid TOML: {error}") from None
    elif format == "yaml":
        try:
            data = safeyaml.loads(text, path)  # safe_load without aliases ("billion laughs") or deep nesting
        except safeyaml.YAMLInputError as error:
            raise ScenarioError(path, None, error.message, error.line) from None
        if data is None:
            data = {}
    else:
        raise ScenarioError(path, None, f"unknown scenario format {format!r}: expected toml or yaml")
    if not isinstance(data, dict):
        raise ScenarioError(path, None, f"expected a table of keys (name = …, seeds = […]), found {type(data).__name__}")
    return data


class _Checker:
    """Turns parsed data into a Scenario, raising a ScenarioError at the first problem."""

    def __init__(self, text: str, format: str, path: str):
        self.text, self.format, self.path = text, format, path

    def fail(self, key: str | None, message: str) -> ScenarioError:
        return ScenarioError(self.path, key, message, line_of(self.text, self.format, key) if key else None)

    def unknown(self, table: Mapping[str, Any], known: Mapping[str, str], prefix: str = "") -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(str(key), list(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(f"{prefix}{key}", f"unknown key{hint}; expected one of: {', '.join(known)}")

    @overload
    def text_value(self, data: Mapping[str, Any], key: str, prefix: str = "", *, required: Literal[True]) -> str: ...

    @overload
    def text_value(self, data: Mapping[str, Any], key: str, prefix: str = "", required: bool = False) -> str | None: ...

    def text_value(self, data: Mapping[str, Any], key: str, prefix: str = "", required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"missing {prefix}{key}: expected {KNOWN_KEYS.get(key, 'a value')}")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{prefix}{key}", f"expected a non-empty string, found {_shown(value)}")
        return value.strip()

    def text_list(self, data: Mapping[str, Any], key: str, prefix: str = "", allow_single: bool = True
                  ) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and allow_single:
            value = [value]
        if not isinstance(value, list):
            raise self.fail(f"{prefix}{key}", f"expected a list of strings, found {_shown(value)}")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{prefix}{key}[{index}]", f"expected a non-empty string, found {_shown(item)}")
            items.append(item.strip())
        return tuple(items)

    @overload
    def whole(self, data: Mapping[str, Any], key: str, low: int, high: int, default: int, prefix: str = "") -> int: ...

    @overload
    def whole(self, data: Mapping[str, Any], key: str, low: int, high: int, default: None,
              prefix: str = "") -> int | None: ...

    def whole(self, data: Mapping[str, Any], key: str, low: int, high: int, default: int | None, prefix: str = "") -> int | None:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise self.fail(f"{prefix}{key}", f"expected a whole number from {low:,} to {high:,}, found {_shown(value)}")
        number = int(value)  # exact for any Integral
        if not low <= number <= high:
            raise self.fail(f"{prefix}{key}", f"expected a whole number from {low:,} to {high:,}, found {number:,}")
        return number

    def share(self, data: Mapping[str, Any], key: str, default: float) -> float:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
            raise self.fail(key, f"expected a probability between 0 and 1, found {_shown(value)}")
        if not 0.0 <= float(value) <= 1.0:
            raise self.fail(key, f"expected a probability between 0 and 1, found {value!r}")
        return float(value)

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table of keys, found {_shown(value)}")
        return value

    def scenario(self, data: dict[str, Any]) -> Scenario:
        self.unknown(data, KNOWN_KEYS)
        name = self.text_value(data, "name", required=True)
        description = self.text_value(data, "description") or ""
        if "seeds" not in data:
            raise self.fail(None, "missing seeds: expected a list of the purged (entity ids or names)")
        seeds = self.text_list(data, "seeds")
        if not seeds:
            raise self.fail("seeds", "expected at least one seed (an entity id or name)")
        sink = self.text_value(data, "sink")
        currency = self.text_value(data, "currency")
        runs = self.whole(data, "runs", 1, 10_000_000, 1000)
        seed = self.whole(data, "seed", 0, 2**63 - 1, 0)
        squads = self.text_list(data, "arrest_squads") or ()
        for index, code in enumerate(squads):
            if not re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z0-9]+)?", code):
                raise self.fail(f"arrest_squads[{index}]", f"expected a two-letter ISO country code such as cn, found {code!r}")
        threshold = self.share(data, "removal_threshold", 0.5)
        if threshold == 0.0:
            raise self.fail("removal_threshold", "expected a probability above 0 (0 would remove every agent)")
        lost_outcomes = self.text_list(data, "lost_outcomes") or LOST_OUTCOMES
        for index, outcome in enumerate(lost_outcomes):
            if outcome not in FINAL_OUTCOMES:
                close = difflib.get_close_matches(outcome, FINAL_OUTCOMES, n=1)
                raise self.fail(f"lost_outcomes[{index}]", f"unknown outcome {outcome!r}"
                                + (f" (did you mean {close[0]!r}?)" if close else "")
                                + f"; expected some of: {', '.join(FINAL_OUTCOMES)}")

        graph = self.table(data, "graph") or {}
        self.unknown(graph, _GRAPH_KEYS, "graph.")
        min_grade_text = self.text_value(graph, "min_grade", "graph.")
        min_grade = None
        if min_grade_text is not None:
            try:
                min_grade = Grade.parse(min_grade_text)
            except InvalidGrade as error:
                raise self.fail("graph.min_grade", str(error)) from None
        datasets = self.text_list(graph, "datasets", "graph.")
        if datasets is not None and not datasets:
            raise self.fail("graph.datasets", "expected at least one dataset name (leave the key out for all)")
        as_of = graph.get("as_of")
        if as_of is not None:
            as_of = self.checked(check_as_of, as_of, key="graph.as_of")
        relations = self.text_list(graph, "relations", "graph.")
        for index, relation in enumerate(relations or ()):
            self.checked(check_relations, [relation], key=f"graph.relations[{index}]")

        rules = self.checked(ExposureRules.from_mapping, self.table(data, "rules") or {}, prefix="rules")
        flows_table = dict(self.table(data, "flows") or {})
        self.unknown(flows_table, _FLOW_KEYS, "flows.")
        sources = self.text_list(flows_table, "sources", "flows.")
        flows_table.pop("sources", None)
        flows = self.checked(FlowSettings.from_mapping, {**flows_table, "currency": currency}, prefix="flows",
                             top=("currency",))
        decisions_data = self.table(data, "decisions") or {}
        try:
            decisions = DecisionParameters.from_mapping(decisions_data)
        except ValueError as error:
            raise self.fail(self.decision_key(str(error), decisions_data), str(error)) from None

        targeting = data.get("targeting")
        if targeting is not None:
            if isinstance(targeting, dict):
                self.unknown(targeting, _TARGETING_KEYS, "targeting.")
                targeting = self.whole(targeting, "k", 1, 1000, None, "targeting.")
                if targeting is None:
                    raise self.fail("targeting", "expected k = the number of designations to choose")
            else:
                targeting = self.whole(data, "targeting", 1, 1000, None)
        key_persons = data.get("key_persons")
        if key_persons is not None:
            if isinstance(key_persons, bool):
                key_persons = 10 if key_persons else None
            elif isinstance(key_persons, dict):
                self.unknown(key_persons, _KEY_PERSON_KEYS, "key_persons.")
                key_persons = self.whole(key_persons, "top", 1, 1000, 10, "key_persons.")
            else:
                key_persons = self.whole(data, "key_persons", 1, 1000, None)
        disruption = data.get("disruption")
        if disruption is not None:
            if isinstance(disruption, bool):
                disruption = {} if disruption else None
            elif not isinstance(disruption, dict):
                raise self.fail("disruption", f"expected a table (strategies, steps) or true/false, found {_shown(disruption)}")
        if disruption is not None:
            self.unknown(disruption, _DISRUPTION_KEYS, "disruption.")
            strategies = self.text_list(disruption, "strategies", "disruption.") or ("degree", "betweenness")
            for index, strategy in enumerate(strategies):
                if strategy not in DISRUPTION_STRATEGIES:
                    raise self.fail(f"disruption.strategies[{index}]", f"unknown strategy {strategy!r}; expected "
                                    f"one of: {', '.join(DISRUPTION_STRATEGIES)}")
            disruption = {"strategies": list(strategies),
                          "steps": self.whole(disruption, "steps", 1, 10_000, 10, "disruption.")}
        sensitivity = self.table(data, "sensitivity")
        if sensitivity is not None:
            sensitivity = self.sensitivity(sensitivity)
        return Scenario(
            name=name, seeds=seeds, description=description, sink=sink, currency=flows.currency,
            runs=runs, seed=seed, arrest_squads=tuple(code.lower() for code in squads), removal_threshold=threshold,
            lost_outcomes=tuple(dict.fromkeys(lost_outcomes)),
            min_grade=min_grade, datasets=datasets, as_of=as_of, relations=relations, rules=rules, flows=flows,
            sources=sources, decisions=decisions, targeting=targeting, key_persons=key_persons, disruption=disruption,
            sensitivity=sensitivity, path=self.path, text=self.text, format=self.format, data=data,
        )

    def checked(self, check: Any, value: Any, *, key: str | None = None, prefix: str | None = None,
                top: tuple[str, ...] = ()) -> Any:
        """``check(value)``, its ``ValueError`` (or ``TypeError``) turned into a ScenarioError.

        The error is about ``key``; or, with ``prefix``, about ``prefix.<the key the message starts
        with>`` (checkers start their messages with the key: ``"relations.Family: …"``), except
        for the keys in ``top``, which are written at the top of the file (``currency``).
        """
        try:
            return check(value)
        except (ValueError, TypeError) as error:
            message = str(error)
            match = re.match(r"([A-Za-z_]\w*(?:\.[\w:\-]+)*): ", message)
            named = match.group(1) if match else None
            if key is None:
                key = named if named in top else (f"{prefix}.{named}" if named else prefix)
            if named:
                message = message[len(named) + 1:].strip()  # the ScenarioError names the key itself
            raise self.fail(key, message) from None

    def decision_key(self, message: str, table: Mapping[str, Any]) -> str:
        """The key a DecisionParameters error is about (``decisions.arrest_probability``), read from its message."""
        match = re.search(r"DecisionParameters\.(\w+)", message)
        if match:
            return f"decisions.{match.group(1)}"
        match = re.search(r"unknown decision parameters? '([^']+)'", message)
        if match:
            return f"decisions.{match.group(1)}"
        return "decisions"

    def sensitivity(self, table: dict[str, Any]) -> dict[str, Any]:
        from moneymen.analysis.sensitivity import SENSITIVITY_METRICS

        self.unknown(table, _SENSITIVITY_KEYS, "sensitivity.")
        runs = self.whole(table, "runs", 1, 1_000_000, 200, "sensitivity.")
        metric = self.text_value(table, "metric", "sensitivity.") or "defectors"
        if metric not in SENSITIVITY_METRICS:
            raise self.fail("sensitivity.metric", f"unknown metric {metric!r}; expected one of: "
                            f"{', '.join(SENSITIVITY_METRICS)}")
        parameters = self.text_list(table, "parameters", "sensitivity.")
        known = DecisionParameters.reasons()
        for index, name in enumerate(parameters or ()):
            if name not in known or name in ("steps", "cascade_share"):
                close = difflib.get_close_matches(name, list(known), n=1)
                raise self.fail(f"sensitivity.parameters[{index}]", f"not a decision parameter that can be varied: "
                                f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        change = table.get("change", 0.5)
        if isinstance(change, bool) or not isinstance(change, numbers.Real) or not 0 < float(change) <= 10:
            raise self.fail("sensitivity.change", f"expected a number in (0, 10], found {_shown(change)}")
        return {"runs": runs, "metric": metric, "parameters": list(parameters) if parameters else None,
                "change": float(change)}


def _shown(value: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    text = repr(value)
    return f"{kind} ({text[:60]}{'…' if len(text) > 60 else ''})"


# -- where a key is written ----------------------------------------------------------------------

_INDEX = re.compile(r"\[(\d+)\]$")


def line_of(text: str, format: str, key: str | None) -> int | None:
    """The line (1-based) where ``key`` (dotted, with ``[i]`` list indices) is written, when it can be found."""
    if not key:
        return None
    parts = [part for part in re.split(r"\.(?![^\[]*\])", key) if part]
    path: list[str | int] = []
    for part in parts:
        match = _INDEX.search(part)
        if match:
            path.append(part[:match.start()])
            path.append(int(match.group(1)))
        else:
            path.append(part)
    try:
        if format == "yaml":
            return _yaml_line(text, path)
        return _toml_line(text, [p for p in path if isinstance(p, str)])
    except Exception:  # locating is a courtesy; never let it hide the real error
        return None


def _yaml_line(text: str, path: list[str | int]) -> int | None:
    node = yaml.compose(text)
    line = None
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _toml_line(text: str, path: list[str]) -> int | None:
    """Find ``a.b.key`` written as ``key =`` under ``[a.b]``, as ``b.key =`` under ``[a]``, or as the table header."""
    table: list[str] = []
    best = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith(("'", '"')) else raw.strip()
        header = re.fullmatch(r"\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            table = [part.strip().strip('"\'') for part in header.group(1).split(".")]
            if table == path:
                return number
            continue
        assign = re.match(r"""([A-Za-z0-9_\-."' ]+?)\s*=""", line)
        if not assign:
            continue
        keys = table + [part.strip().strip('"\'') for part in assign.group(1).split(".")]
        if keys == path:
            return number
        if best is None and len(keys) < len(path) and path[:len(keys)] == keys:
            best = number  # an inline table or list that holds the key
    return best
