"""Mutants of a network answer: options added or removed, rules removed, widened, reordered or added.

For an :class:`~course.exercises.kinds.network.Options` answer: add each option not chosen, remove each
one chosen (a single choice: every other option). For a :class:`~course.exercises.kinds.network.Slots`
answer, per rule list: remove each rule; widen each rule's ports to 0-65535 and its CIDR (or peer) to
``0.0.0.0/0``; swap the numbers of NACL rules next to each other in evaluation order; add an allow-all
rule (a NACL rule after the others, a security group rule, a default route to each target the answer
uses). A policy slot (a VPC endpoint policy) gets the policy mutants of :mod:`course.mutation.policy`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from course.mutation import policy as policy_mutants
from course.mutation.base import Mutant, edited

ALL_PORTS = [0, 65535]
ANYWHERE = "0.0.0.0/0"


def mutants(exercise: Any, answer: Any) -> Iterator[Mutant]:
    from course.exercises.kinds.network import Options, Slots

    form = exercise.form
    if isinstance(form, Options):
        yield from _option_mutants(exercise.id, form, answer)
    elif isinstance(form, Slots):
        yield from _slot_mutants(exercise.id, form, answer)


def _option_mutants(eid: str, form: Any, answer: Any) -> Iterator[Mutant]:
    letters = sorted(form.options)
    if not form.multiple:
        for letter in letters:
            if letter != str(answer).strip().upper():
                yield Mutant(eid, "network: other option", f"choose option {letter} instead", letter)
        return
    chosen = {str(a).strip().upper() for a in answer}
    for letter in letters:
        if letter not in chosen:
            yield Mutant(eid, "network: add option", f"add unneeded option {letter}", chosen | {letter})
    for letter in sorted(chosen):
        yield Mutant(eid, "network: remove option", f"remove needed option {letter}", chosen - {letter})


def _slot_mutants(eid: str, form: Any, answer: Any) -> Iterator[Mutant]:
    for slot in form.slots:
        if slot.shape == "policy":
            if slot.key == ():
                yield from policy_mutants.mutants(eid, answer)
            continue
        if slot.shape == "id":
            continue
        value = _get(answer, slot.key)
        if not isinstance(value, list):
            continue
        where = "/".join(slot.key)
        rules = [dict(r) for r in value]
        yield from _rule_mutants(eid, answer, slot.key, where, slot.shape, rules)


def _get(answer: Any, key: tuple) -> Any:
    for part in key:
        if not isinstance(answer, dict) or part not in answer:
            return None
        answer = answer[part]
    return answer


def _replaced(answer: Any, key: tuple, rules: list) -> Any:
    def edit(copy: Any) -> None:
        target = copy
        for part in key[:-1]:
            target = target[part]
        target[key[-1]] = rules
    return edited(answer, edit)


def _label(rule: dict, shape: str) -> str:
    ports = rule.get("ports")
    ports = "" if ports is None else f" {ports[0]}-{ports[1]}" if isinstance(ports, (list, tuple)) else f" {ports}"
    if shape == "nacl_rules":
        return f"rule {rule.get('rule')} ({rule.get('action')} {rule.get('protocol')}{ports} {rule.get('cidr')})"
    if shape == "sg_rules":
        return f"rule ({rule.get('protocol')}{ports} {rule.get('peer')})"
    return f"route {rule.get('dest')} -> {rule.get('target')}"


def _rule_mutants(eid: str, answer: Any, key: tuple, where: str, shape: str, rules: list[dict]) -> Iterator[Mutant]:
    def mutant(family: str, description: str, new_rules: list[dict]) -> Mutant:
        return Mutant(eid, f"network: {family}", f"{where}: {description}", _replaced(answer, key, new_rules))

    for k, rule in enumerate(rules):
        label = _label(rule, shape)
        yield mutant("remove rule", f"remove {label}", rules[:k] + rules[k + 1:])
        if shape in ("nacl_rules", "sg_rules"):
            if rule.get("protocol") in ("tcp", "udp") and _ports(rule.get("ports")) != ALL_PORTS:
                yield mutant("widen ports", f"widen the ports of {label} to 0-65535",
                             [*rules[:k], {**rule, "ports": list(ALL_PORTS)}, *rules[k + 1:]])
            field = "cidr" if shape == "nacl_rules" else "peer"
            if rule.get(field) != ANYWHERE:
                yield mutant("widen CIDR", f"widen the {field} of {label} to {ANYWHERE}",
                             [*rules[:k], {**rule, field: ANYWHERE}, *rules[k + 1:]])
        if shape == "routes" and rule.get("dest") != ANYWHERE:
            yield mutant("widen CIDR", f"widen the destination of {label} to {ANYWHERE}",
                         [*rules[:k], {**rule, "dest": ANYWHERE}, *rules[k + 1:]])
    if shape == "nacl_rules":
        ordered = sorted(range(len(rules)), key=lambda k: rules[k].get("rule", 0))
        for a, b in zip(ordered, ordered[1:], strict=False):
            swapped = [dict(r) for r in rules]
            swapped[a]["rule"], swapped[b]["rule"] = rules[b]["rule"], rules[a]["rule"]
            yield mutant("reorder rules", f"swap the numbers of rules {rules[a]['rule']} and {rules[b]['rule']}",
                         swapped)
        last = max((r.get("rule", 0) for r in rules), default=0)
        yield mutant("add rule", f"add rule {last + 10} allowing all traffic from {ANYWHERE} after the others",
                     [*rules, {"rule": last + 10, "protocol": "all", "cidr": ANYWHERE, "action": "allow"}])
    elif shape == "sg_rules":
        yield mutant("add rule", f"add a rule allowing all traffic to or from {ANYWHERE}",
                     [*rules, {"protocol": "all", "peer": ANYWHERE}])
    elif shape == "routes":
        targets = sorted({str(r.get("target")) for r in _all_routes(answer)} - {"local"})
        present = {(r.get("dest"), r.get("target")) for r in rules}
        for target in targets:
            if (ANYWHERE, target) not in present and not any(r.get("dest") == ANYWHERE for r in rules):
                yield mutant("add route", f"add a default route {ANYWHERE} -> {target}",
                             [*rules, {"dest": ANYWHERE, "target": target}])


def _ports(value: Any) -> list | None:
    if isinstance(value, int):
        return [value, value]
    return list(value) if isinstance(value, (list, tuple)) else None


def _all_routes(answer: Any) -> list[dict]:
    if not isinstance(answer, dict):
        return []
    return [r for value in answer.values() if isinstance(value, list) for r in value if isinstance(r, dict)]
