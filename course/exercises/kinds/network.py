"""Configure-a-network exercises, graded by ``course.net`` reachability of required and forbidden flows.

The learner's answer is data: NACL rules, security group rules or route entries (a :class:`Slots`
answer), or a choice among prepared building blocks such as an egress option (an :class:`Options`
answer). The checker merges the answer into a fixed base network (a spec document, usually built with
``course.net.NetworkBuilder``), loads it, and asks ``course.net.reach`` about every :class:`Flow`:

- a *required* flow must be reachable (request delivered and the reply back);
- a *forbidden* flow must not be.

A failed flow's hint is the model's own explanation (what blocked the packet, and where, or that
it got through) followed by the flow's misconception hint. Malformed answers (wrong type, a bad
CIDR, a missing field) become ``CheckResult.error`` naming the path of the bad field in the
learner's answer, never an exception. Hidden test cells add flows as literal data:
``check("2.2", answer_2_2, hidden=[{"description": ..., "query": {...}, "expect": "blocked", "hint": ...}])``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from course.exercises.base import Exercise, MalformedAnswer, type_name
from course.exercises.hints import sentences
from course.exercises.kinds.policy import parse_policy
from course.exercises.results import Requirement

EXPECT = ("reachable", "blocked")
SHAPES = ("nacl_rules", "sg_rules", "routes", "id", "policy")


@dataclass(frozen=True)
class Flow:
    """A query (``docs/specs/network.md`` §3) that must be reachable or must be blocked.

    ``hint`` names the misconception a learner whose answer fails this flow most likely holds.
    ``blocked_by`` (blocked flows only): labels (``docs/specs/network.md`` §4) of the layers that must each
    refuse the flow on their own, e.g. ``("sg-outbound", "sg-inbound")``: defence in depth, so that a rule
    widened on one layer is not hidden by the other layer still refusing the flow.
    """

    description: str
    query: dict
    expect: str = "reachable"
    hint: str = ""
    blocked_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.expect not in EXPECT:
            raise ValueError(f"expect must be 'reachable' or 'blocked', got {self.expect!r}")
        if self.blocked_by and self.expect != "blocked":
            raise ValueError("blocked_by is for flows that must be blocked")
        from course.net import LABELS

        unknown = [label for label in self.blocked_by if label not in LABELS]
        if unknown:
            raise ValueError(f"blocked_by: unknown label(s) {', '.join(map(repr, unknown))}")

    @classmethod
    def from_data(cls, data: Any, where: str = "hidden flow") -> Flow:
        """A flow from literal data (hidden test cells): description, query, expect, hint."""
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected a dict, got {type_name(data)}")
        missing = [k for k in ("description", "query", "expect") if k not in data]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        layers = data.get("blocked_by", ())
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, str) for x in layers):
            raise ValueError(f"{where}: blocked_by must be a list of labels")
        return cls(str(data["description"]), dict(data["query"]), str(data["expect"]), str(data.get("hint", "")),
                   tuple(layers))


@dataclass(frozen=True)
class Slot:
    """One place in the base network that the learner's answer fills.

    ``key`` is the path of the value inside the answer (``("inbound",)`` or ``("sg-web", "outbound")``);
    ``target`` is ``(collection, resource id, field)`` in the network document. Shapes:

    - ``nacl_rules``: a list of NACL rules (``rule``, ``protocol``, ``ports``, ``cidr``, ``action``);
    - ``sg_rules``: a list of security group rules (``protocol``, ``ports``, ``peer``);
    - ``routes``: a list of routes (``dest``, ``target``); the table keeps its local routes;
    - ``id``: a resource id string (for example the subnet a NAT gateway sits in);
    - ``policy``: a VPC endpoint policy (a dict or JSON text); ``key=()`` makes it the whole answer.

    ``optional`` slots may be left out of the answer; the base network's value then stays.
    """

    key: tuple[str, ...]
    target: tuple[str, str, str]
    shape: str
    optional: bool = False

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"unknown slot shape {self.shape!r}")


@dataclass(frozen=True)
class Option:
    """One building block the learner may choose; ``apply`` edits a copy of the network document."""

    text: str
    apply: Callable[[dict], None]
    explanation: str = ""
    sets: tuple[str, ...] = ()  # names of settings the option changes; two chosen options may not share one


class Slots:
    """The answer is a dict whose values fill :class:`Slot` places in the base network."""

    def __init__(self, slots: Iterable[Slot]) -> None:
        self.slots = list(slots)

    def keys_text(self) -> str:
        tops = []
        for slot in self.slots:
            if slot.key[0] not in tops:
                tops.append(slot.key[0])
        return ", ".join(repr(k) for k in tops)

    def apply(self, doc: dict, answer: Any, name: str) -> tuple[dict, dict[str, str]]:
        """The merged document, and a map from network paths to the learner's paths (for errors)."""
        if len(self.slots) == 1 and self.slots[0].key == ():
            slot = self.slots[0]
            collection, rid, fld = slot.target
            doc[collection][rid][fld] = _value(answer, name, slot.shape)
            return doc, {f"{collection}.{rid}.{fld}": name}
        if not isinstance(answer, dict):
            raise MalformedAnswer(f"expected a dict with the keys {self.keys_text()}, got {type_name(answer)}")
        if not answer:
            raise MalformedAnswer(f"the dict is empty: give a value for each of the keys {self.keys_text()}")
        known = {slot.key[0] for slot in self.slots}
        unknown = [k for k in answer if k not in known]
        if unknown:
            raise MalformedAnswer(f"unexpected key(s) {', '.join(map(repr, unknown))}; expected {self.keys_text()}")
        paths: dict[str, str] = {}
        for slot in self.slots:
            value, where = _dig(answer, slot, name)
            if value is _ABSENT:
                continue
            collection, rid, fld = slot.target
            body = doc[collection][rid]
            net_path = f"{collection}.{rid}.{fld}"
            paths[net_path] = where
            if slot.shape in ("id", "policy"):
                body[fld] = _value(value, where, slot.shape)
                continue
            if not isinstance(value, list):
                raise MalformedAnswer(f"{where} must be a list of rules (dicts), got {type_name(value)}")
            rules = [_rule(item, f"{where}[{i}]", slot.shape) for i, item in enumerate(value)]
            if slot.shape == "routes":
                local = [r for r in body.get(fld, []) if r.get("target") == "local"]
                rules = [r for r in rules if r.get("target") != "local"]
                paths[net_path] = f"{where}<{len(local)}>"  # learner index = network index - len(local)
                body[fld] = local + rules
            else:
                body[fld] = rules
        return doc, paths


class Options:
    """The answer is one option letter, or (``multiple=True``) a set of letters whose patches combine."""

    def __init__(self, options: dict[str, Option], *, multiple: bool = False) -> None:
        self.options = options
        self.multiple = multiple

    def letters(self, answer: Any) -> list[str]:
        listed = ", ".join(sorted(self.options))
        if self.multiple:
            if not isinstance(answer, (set, frozenset, list, tuple)):
                raise MalformedAnswer(
                    f"answer with a set of option letters, e.g. {{'A', 'C'}}, not {type_name(answer)}")
            raw = list(answer)
            if not raw:
                raise MalformedAnswer("choose at least one option")
        else:
            if not isinstance(answer, str):
                raise MalformedAnswer(f"answer with one option letter such as 'A' (a string), not {type_name(answer)}")
            raw = [answer]
        letters = []
        for item in raw:
            if not isinstance(item, str):
                raise MalformedAnswer(f"each choice must be an option letter (a string), got {type_name(item)}")
            letter = item.strip().upper()
            if letter not in self.options:
                raise MalformedAnswer(f"{item!r} is not one of the options {listed}")
            if letter not in letters:
                letters.append(letter)
        return sorted(letters)

    def apply(self, doc: dict, answer: Any, name: str) -> tuple[dict, dict[str, str]]:
        letters = self.letters(answer)
        owner: dict[str, str] = {}
        for letter in letters:
            for setting in self.options[letter].sets:
                if setting in owner:
                    raise MalformedAnswer(f"options {owner[setting]} and {letter} both set {setting}; keep one")
                owner[setting] = letter
        for letter in letters:
            self.options[letter].apply(doc)
        return doc, {}

    def explanations(self, answer: Any) -> str:
        letters = self.letters(answer)
        return sentences(*(part for x in letters if self.options[x].explanation
                           for part in (f"You chose option {x}", self.options[x].explanation)))


AnswerForm = Slots | Options


@dataclass(kw_only=True)
class NetworkExercise(Exercise):
    """A network the learner configures; every flow is one requirement (partial credit per flow).

    ``base`` is the network document before the answer; ``form`` reads the answer into it;
    ``flows`` are the visible required and forbidden flows. ``hidden`` is a list of flow dicts.
    ``complete_request`` fills in every flow's endpoint-policy request (visible and hidden alike): the
    principal and the condition keys AWS would put in the context, so that flows need only name the
    action and the resource.
    """

    kind: ClassVar[str] = "network"
    base: dict
    form: AnswerForm
    flows: list[Flow] = field(default_factory=list)
    complete_request: Callable[[dict], dict] | None = None

    def query(self, flow: Flow) -> dict:
        """The flow's query, its ``request`` completed by ``complete_request`` (who sends it, and the
        context keys AWS would attach); what the flow itself says wins, key by key and context key by key."""
        request = flow.query.get("request")
        if self.complete_request is None or not isinstance(request, dict):
            return flow.query
        filled = self.complete_request(dict(request))
        context = {**(filled.get("context") or {}), **(request.get("context") or {})}
        merged = {**filled, **request}
        if context:
            merged["context"] = context
        return {**flow.query, "request": merged}

    def network(self, answer: Any) -> dict:
        """The base network with ``answer`` merged in (raises MalformedAnswer for a bad answer)."""
        doc, _ = self.form.apply(copy.deepcopy(self.base), answer, self.answer_name)
        return doc

    def requirements(self, answer: Any, hidden: Any = None) -> list[Requirement]:
        from course.net import NetworkError, load, reach

        doc, paths = self.form.apply(copy.deepcopy(self.base), answer, self.answer_name)
        try:
            net = load(doc)
        except NetworkError as exc:
            raise MalformedAnswer(f"{exc.message} (at {_learner_path(exc.path, paths)})") from None
        extra = [Flow.from_data(item, f"hidden flow {i}") for i, item in enumerate(hidden or [])]
        reqs = []
        for flow, is_hidden in [(f, False) for f in self.flows] + [(f, True) for f in extra]:
            ans = reach(net, self.query(flow))
            ok = ans.reachable == (flow.expect == "reachable")
            hint = ""
            refusing = [label for label in (ans.blocked_by, *ans.also_blocked_by) if label]
            missing = [label for label in flow.blocked_by if label not in refusing]
            if ok and missing:
                ok = False
                hint = sentences(f"This flow is refused, but not by {' or '.join(missing)}: with your answer only "
                                 f"{', '.join(refusing)} refuses it, so one widened rule is hidden behind the other "
                                 "layer. Each layer should refuse it on its own", flow.hint)
            elif not ok:
                verdict = "is blocked" if flow.expect == "reachable" else "gets through"
                also = f" (also blocked by: {', '.join(ans.also_blocked_by)})" if ans.also_blocked_by else ""
                hint = sentences(f"With your answer this flow {verdict}: {ans.explain().splitlines()[0].rstrip('.')}"
                                 f"{also}", flow.hint)
            label = "required" if flow.expect == "reachable" else "forbidden"
            reqs.append(Requirement(f"{label}: {flow.description}", ok, hint, hidden=is_hidden))
        if isinstance(self.form, Options) and any(not r.passed for r in reqs):
            chosen = self.form.explanations(answer)
            if chosen:
                reqs = [r if r.passed else Requirement(r.description, False, f"{r.hint} {chosen}", r.hidden, r.weight)
                        for r in reqs]
        return reqs

    def hint_texts(self) -> list[str]:
        texts = [flow.hint for flow in self.flows]
        if isinstance(self.form, Options):
            texts += [option.explanation for option in self.form.options.values() if option.explanation]
        return texts

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["flows"] = len(self.flows)
        return out


_ABSENT = object()
_NACL_FIELDS = {"rule", "protocol", "ports", "cidr", "action"}
_SG_FIELDS = {"protocol", "ports", "peer"}
_ROUTE_FIELDS = {"dest", "target", "state"}


def _dig(answer: dict, slot: Slot, name: str) -> tuple[Any, str]:
    value: Any = answer
    where = name
    for part in slot.key:
        if not isinstance(value, dict):
            raise MalformedAnswer(f"{where} must be a dict with the key {part!r}, got {type_name(value)}")
        where += f"[{part!r}]"
        if part not in value:
            if slot.optional:
                return _ABSENT, where
            raise MalformedAnswer(f"{where} is missing")
        value = value[part]
    return value, where


def _value(value: Any, where: str, shape: str) -> Any:
    """An ``id`` or ``policy`` slot's value, checked."""
    if shape == "id":
        if not isinstance(value, str) or not value:
            raise MalformedAnswer(f"{where} must be a resource id string, got {type_name(value)}")
        return value
    return parse_policy(value, where)  # the rest is course.iam's to check (kind ``endpoint``) when loaded


def _rule(item: Any, where: str, shape: str) -> dict:
    """Check one rule's shape and field types, naming the bad field; deeper checks are the model's."""
    from course.net.addr import parse_cidr
    from course.net.errors import NetworkError

    fields = {"nacl_rules": _NACL_FIELDS, "sg_rules": _SG_FIELDS, "routes": _ROUTE_FIELDS}[shape]
    if not isinstance(item, dict):
        raise MalformedAnswer(f"{where} must be a dict with the keys {', '.join(sorted(fields))}, "
                              f"got {type_name(item)} (the helpers allow(), deny() and sg_rule() make them)")
    unknown = sorted(k for k in item if k not in fields)
    if unknown:
        raise MalformedAnswer(f"{where} has unexpected key(s) {', '.join(map(repr, unknown))}; "
                              f"a rule has {', '.join(sorted(fields))}")
    required = {"nacl_rules": ("rule", "protocol", "cidr", "action"), "sg_rules": ("protocol", "peer"),
                "routes": ("dest", "target")}[shape]
    for key in required:
        if key not in item:
            raise MalformedAnswer(f"{where}[{key!r}] is missing")
    rule = dict(item)
    if "ports" in rule and isinstance(rule["ports"], tuple):
        rule["ports"] = list(rule["ports"])
    if "ports" in rule and isinstance(rule["ports"], int) and not isinstance(rule["ports"], bool):
        rule["ports"] = [rule["ports"], rule["ports"]]
    for key in ("protocol", "action"):
        if key in rule and isinstance(rule[key], str):
            rule[key] = rule[key].strip().lower()
    block = rule.get("cidr") if shape == "nacl_rules" else rule.get("dest") if shape == "routes" else None
    peer = rule.get("peer") if shape == "sg_rules" else None
    for key, value in (("cidr" if shape == "nacl_rules" else "dest", block), ("peer", peer)):
        if value is None or (isinstance(value, str) and value.startswith(("sg-", "pl-"))):
            continue
        try:
            parse_cidr(value, key)
        except NetworkError as exc:
            raise MalformedAnswer(f"{exc.message} (at {where}[{key!r}])") from None
    return rule


def _learner_path(net_path: str, paths: dict[str, str]) -> str:
    """Rewrite ``nacls.acl-web.inbound[2].ports`` to ``answer_2_2['inbound'][2]['ports']``."""
    for prefix, where in sorted(paths.items(), key=lambda kv: -len(kv[0])):
        if net_path == prefix or net_path.startswith(prefix + "[") or net_path.startswith(prefix + "."):
            rest = net_path[len(prefix):]
            offset = 0
            if where.endswith(">"):
                where, count = where[:-1].rsplit("<", 1)
                offset = int(count)
            out = where
            for token in _tokens(rest):
                if isinstance(token, int):
                    out += f"[{token - offset}]"
                    offset = 0
                else:
                    out += f"[{token!r}]"
            return out
    return f"the network document, {net_path}" if net_path else "the network document"


def _tokens(rest: str) -> list[str | int]:
    tokens: list[str | int] = []
    for part in rest.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit():
            tokens.append(int(part[1:-1]))
        else:
            tokens.append(part)
    return tokens
