"""How ``bench.generate`` builds a document: one ``Builder`` per document, drawing from one seeded RNG.

``bench/generate.py`` describes the shape it produces. Every draw comes from
``Builder.rng`` in a fixed order, so the seed and the ``Size`` fully
determine the document.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from bench import _vocab as V
from graphsvc.model import BuyingRole, InfluenceKind

__all__ = ["MIN_ACCOUNT_NODES", "Builder", "Size"]

MIN_ACCOUNT_NODES = 15


@dataclass(frozen=True, slots=True)
class Size:
    """What to generate; ``None`` lets the generator choose from the node count."""

    nodes: int
    relations: int
    accounts: int
    members: int | None = None
    influencers: int | None = None
    decision_nodes: int | None = None


def _apportion(total: int, weights: Sequence[float], minimum: int = 0, caps: Sequence[int] | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights``: whole numbers >= ``minimum``, <= ``caps``, summing to ``total``."""
    n = len(weights)
    out = [0] * n
    open_ = list(range(n))
    left = total
    while open_:
        weight = sum(weights[i] for i in open_) or 1.0
        raw = {i: left * weights[i] / weight for i in open_}
        over = [i for i in open_ if caps is not None and raw[i] > caps[i]]
        if not over:
            break
        for i in over:
            out[i] = caps[i]  # type: ignore[index]
            left -= out[i]
        open_ = [i for i in open_ if i not in set(over)]
    if not open_:
        if left:
            raise ValueError(f"cannot place {total}: the capacity is {total - left}")
        return out
    for i in open_:
        out[i] = max(minimum, int(raw[i]))
    diff = left - sum(out[i] for i in open_)
    if diff > 0:
        order = sorted(open_, key=lambda i: raw[i] - int(raw[i]), reverse=True)
    else:
        order = sorted(open_, key=lambda i: -out[i])
    step = 0
    while diff:
        i = order[step % len(order)]
        step += 1
        if diff > 0 and (caps is None or out[i] < caps[i]):
            out[i] += 1
            diff -= 1
        elif diff < 0 and out[i] > minimum:
            out[i] -= 1
            diff += 1
        if step > 100 * (len(order) + abs(diff)):
            raise ValueError(f"cannot split {total} over {n} parts (minimum {minimum})")
    return out


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


@dataclass(slots=True)
class _Account:
    id: str
    nodes: int
    industry: str
    approach: str
    people: list[str] = field(default_factory=list)
    decision: list[str] = field(default_factory=list)
    committees: list[str] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Team:
    lead: str
    kams: list[str]
    others: list[str]
    sponsor: str | None


class Builder:
    """Builds one document; every draw comes from ``self.rng``, in a fixed order."""

    def __init__(self, spec: Size, seed: int, as_of: date) -> None:
        if spec.accounts < 1 or spec.nodes < 1:
            raise ValueError("a portfolio needs at least one account and one node")
        self.spec = spec
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.doc: dict[str, Any] = {"format": "graphsvc/1"}
        for name in ("accounts", "sites", "people", "committees", "influencers", "members", "relations"):
            self.doc[name] = []
        self.rels: list[dict[str, Any]] = self.doc["relations"]
        self.keys: set[tuple[str, str, str]] = set()
        self.accounts: list[_Account] = []
        self.teams: list[_Team] = []
        self.influencers: list[tuple[str, str]] = []

    def relate(self, rtype: str, source: str, target: str, **props: Any) -> bool:
        key = (rtype, source, target)
        if source == target or key in self.keys:
            return False
        self.keys.add(key)
        record = {"type": rtype, "from": source, "to": target}
        record.update((k, v) for k, v in props.items() if v is not None)
        self.rels.append(record)
        return True

    def person_name(self) -> str:
        return f"{self.rng.choice(V.FIRST_NAMES)} {self.rng.choice(V.LAST_NAMES)}"

    def strength(self, low: float = 0.2, high: float = 1.0, mode: float = 0.55) -> float:
        return round(self.rng.triangular(low, high, mode), 2)

    def maybe(self, p: float, value: Any) -> Any:
        return value if self.rng.random() < p else None

    # -- plan -------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        spec, rng = self.spec, self.rng
        team_sizes = self._team_sizes()
        n_members = sum(team_sizes) + (len(team_sizes) > 1)
        n_influencers = spec.influencers if spec.influencers is not None else max(3, round(spec.nodes * 0.02))
        budget = spec.nodes - n_members - n_influencers
        if budget < spec.accounts * MIN_ACCOUNT_NODES:
            raise ValueError(
                f"{spec.nodes} nodes are too few: {n_members} members, {n_influencers} influencers and "
                f"{spec.accounts} accounts of at least {MIN_ACCOUNT_NODES} nodes need more"
            )
        weights = [rng.lognormvariate(0, 0.45) for _ in range(spec.accounts)]
        if spec.accounts >= 10:
            n_huge = max(1, round(spec.accounts * 0.005))
            picked = rng.sample(range(spec.accounts), n_huge + round(spec.accounts * 0.03))
            for rank, i in enumerate(picked):
                weights[i] *= 40 if rank < n_huge else 6
        sizes = _apportion(budget, weights, MIN_ACCOUNT_NODES)
        width = len(str(spec.accounts))
        for i, n in enumerate(sizes):
            self._account(f"acc{i + 1:0{width}d}", n)
        self._teams(team_sizes)
        self._influencers(n_influencers)
        self._cross_account()
        self._fill_influences()
        assert len(self.rels) == spec.relations, (len(self.rels), spec.relations)
        return self.doc

    def _team_sizes(self) -> list[int]:
        spec, rng = self.spec, self.rng
        if spec.members is None:
            return [rng.randint(5, 15) for _ in range(max(1, round(spec.accounts / 10)))]
        if spec.members < 2:
            raise ValueError("a team needs at least 2 members (a lead and a KAM)")
        n_teams = max(1, math.ceil(spec.members / 16))
        rest = spec.members - (n_teams > 1)
        return [rest // n_teams + (i < rest % n_teams) for i in range(n_teams)]

    # -- accounts ---------------------------------------------------------------------

    def _account(self, aid: str, n: int) -> None:
        rng, doc = self.rng, self.doc
        region = rng.choice(list(V.REGIONS))
        pool = V.REGIONS[region]
        n_sites = max(1, min(40, round(math.sqrt(n) / 3)))
        n_committees = max(1, min(60, round(math.sqrt(n) / 4)))
        n_people = n - 1 - n_sites - n_committees
        acc = _Account(aid, n, rng.choice(V.INDUSTRIES), "holistic" if rng.random() < 0.15 else "sales")
        sites: list[str] = []
        countries: set[str] = set()
        for s in range(n_sites):
            country = pool[0] if s == 0 else rng.choice(pool)
            city = rng.choice(V.PLACES[country])
            sid = f"{aid}.site{s + 1:02d}"
            name = f"{city} headquarters" if s == 0 else f"{city} plant {s + 1}"
            doc["sites"].append({"id": sid, "account": aid, "name": name, "country": country, "city": city})
            sites.append(sid)
            countries.add(country)
        doc["accounts"].append(
            {
                "id": aid,
                "name": f"{rng.choice(V.COMPANY_ROOTS)} {acc.industry.split()[0]} {rng.choice(V.COMPANY_FORMS)}",
                "status": _weighted(rng, V.ACCOUNT_STATUS),
                "approach": acc.approach,
                "industry": acc.industry,
                "region": region,
                "countries": sorted(countries),
            }
        )
        decision = self.spec.decision_nodes or max(2, round(0.7 * math.sqrt(n_people)))
        decision_committees = max(0, min(n_committees, max(1, round(decision / 5)), decision - 1))
        self._people(acc, n_people, sites, max(1, min(decision - decision_committees, n_people - 5)))
        self._committees(acc, n_committees, decision_committees)
        self.accounts.append(acc)

    def _people(self, acc: _Account, n: int, sites: list[str], n_decision: int) -> None:
        rng = self.rng
        parent, depth = [-1] * n, [0] * n
        manager, span = 0, rng.randint(4, 9)
        for p in range(1, n):
            while span == 0:
                manager, span = manager + 1, rng.randint(3, 8)
            parent[p], depth[p] = manager, depth[manager] + 1
            span -= 1
        dept, site = ["Management"] * n, [sites[0]] * n
        offset = rng.randrange(len(V.DEPARTMENTS))
        for p in range(1, n):
            if depth[p] == 1:
                dept[p] = V.DEPARTMENTS[(p + offset) % len(V.DEPARTMENTS)]
            else:
                dept[p] = dept[parent[p]]
                site[p] = rng.choice(sites) if depth[p] == 2 or rng.random() < 0.15 else site[parent[p]]
        ids = [f"{acc.id}.p{p + 1:05d}" for p in range(n)]
        decision = {0, *rng.sample(range(1, min(n, max(2 * n_decision, n_decision + 3))), n_decision - 1)}
        roles: list[set[str]] = [set() for _ in range(n)]
        for p in decision:
            roles[p].add(rng.choice(("decider", "approver")))
        ordered = sorted(decision)
        roles[ordered[0]].add("decider")
        roles[ordered[1] if len(ordered) > 1 else ordered[0]].add("approver")
        others = [p for p in range(n) if p not in decision]
        for p in others:
            if rng.random() < 0.7:
                roles[p].add(rng.choice(V.ROLES_OF_DEPARTMENT[dept[p]]))
        for p, role in zip(
            rng.sample(others, 5), ("initiator", "user", "influencer", "buyer", "gatekeeper"), strict=True
        ):
            roles[p].add(role)
        order = [r.value for r in BuyingRole]
        for p in range(n):
            if p in decision:
                power: float | None = round(rng.uniform(0.7, 1.0), 2)
            elif depth[p] <= 2:
                power = self.maybe(0.85, round(rng.uniform(0.4, 0.8), 2))
            else:
                power = self.maybe(0.8, round(rng.uniform(0.05, 0.55), 2))
            record: dict[str, Any] = {"id": ids[p], "account": acc.id}
            if rng.random() < 0.93:
                record["site"] = site[p]
            record["name"] = self.person_name()
            record["title"] = self._title(depth[p], dept[p])
            record["department"] = dept[p]
            if roles[p]:
                record["roles"] = [r for r in order if r in roles[p]]
            attitude = _weighted(rng, V.ATTITUDES)
            if attitude is not None:
                record["attitude"] = attitude
            if power is not None:
                record["power"] = power
            if rng.random() < 0.03:
                record["notes"] = "Met at the last plant visit; prefers short written summaries before meetings."
            self.doc["people"].append(record)
            if p and rng.random() < 0.98:
                self.relate("REPORTS_TO", ids[p], ids[parent[p]], strength=self.maybe(0.2, self.strength(0.3, 0.9)))
        acc.people = ids
        acc.decision = [ids[p] for p in ordered]

    def _title(self, depth: int, dept: str) -> str:
        rng = self.rng
        if depth == 0:
            return rng.choice(V.TOP_TITLES)
        if depth == 1:
            return V.CHIEF_TITLES[dept]
        if depth <= 3:
            return rng.choice(V.MANAGER_TITLES[depth]).format(dept=dept)
        return rng.choice(V.STAFF_TITLES[dept])

    def _committees(self, acc: _Account, n: int, n_deciding: int) -> None:
        rng, people = self.rng, acc.people
        senior = max(10, len(people) // 5)
        for c in range(n):
            cid = f"{acc.id}.com{c + 1:02d}"
            table = V.COMMITTEES_DECIDING if c < n_deciding else V.COMMITTEES_OTHER
            name, kind = table[c % len(table)]
            if c >= len(table):
                name = f"{name} {c // len(table) + 1}"
            if c < n_deciding:
                power = self.maybe(0.65, round(rng.uniform(0.5, 1.0), 2))
            else:
                power = round(rng.uniform(0.1, 0.45), 2)
            record: dict[str, Any] = {"id": cid, "account": acc.id, "name": name, "kind": kind}
            if power is not None:
                record["power"] = power
            self.doc["committees"].append(record)
            acc.committees.append(cid)
            size = min(len(people), rng.randint(3, 10))
            chosen = rng.sample(acc.decision, min(len(acc.decision), rng.randint(1, 3))) if c < n_deciding else []
            while len(chosen) < size:
                person = people[rng.randrange(min(len(people), senior))]
                if person not in chosen:
                    chosen.append(person)
            for k, person in enumerate(chosen):
                role = "chair" if k == 0 else ("advisor" if rng.random() < 0.15 else "member")
                self.relate("MEMBER_OF", person, cid, role=role, strength=self.maybe(0.3, self.strength(0.3)))

    # -- our team ---------------------------------------------------------------------

    def _teams(self, sizes: list[int]) -> None:
        rng = self.rng
        width = len(str(sum(sizes) + 1))
        count = 0

        def member(role: str) -> str:
            nonlocal count
            count += 1
            mid = f"m{count:0{width}d}"
            first, last = rng.choice(V.FIRST_NAMES), rng.choice(V.LAST_NAMES)
            email = f"{first}.{last}.{count}@nordhaven-drives.example".lower()
            self.doc["members"].append({"id": mid, "name": f"{first} {last}", "role": role, "email": email})
            return mid

        head = member("team_lead") if len(sizes) > 1 else None
        for size in sizes:
            lead = member("team_lead")
            if head:
                self.relate("REPORTS_TO", lead, head)
            n_kams = min(size - 1, rng.randint(1, 3))
            sponsor = size >= 5 and rng.random() < 0.7
            roles = ["kam"] * n_kams + (["executive_sponsor"] if sponsor else [])
            roles += [rng.choice(V.TEAM_ROLES) for _ in range(size - 1 - len(roles))]
            team = _Team(lead, [], [], None)
            for role in roles:
                mid = member(role)
                self.relate("REPORTS_TO", mid, lead)
                if role == "kam":
                    team.kams.append(mid)
                elif role == "executive_sponsor":
                    team.sponsor = mid
                else:
                    team.others.append(mid)
            self.teams.append(team)
        order = list(range(len(self.accounts)))
        rng.shuffle(order)
        for position, i in enumerate(order):
            self._assign(self.accounts[i], self.teams[position % len(self.teams)])

    def _assign(self, acc: _Account, team: _Team) -> None:
        rng = self.rng
        lead = rng.choice(team.kams)
        pool = [m for m in (team.lead, *team.kams, *team.others) if m != lead]
        extra = min(len(pool), max(1, round(1 + math.log2(max(1.0, acc.nodes / 30)))))
        acc.assigned = [lead, *rng.sample(pool, extra)]
        if team.sponsor and rng.random() < 0.4:
            acc.assigned.append(team.sponsor)
        if len(self.teams) > 1 and rng.random() < 0.05:
            other = rng.choice(self.teams)
            if other is not team and other.others:
                acc.assigned.append(rng.choice(other.others))
        for k, mid in enumerate(acc.assigned):
            self.relate("ASSIGNED_TO", mid, acc.id, role="lead" if k == 0 else "member")
        self._covers(acc)

    def _cover_props(self) -> dict[str, Any]:
        rng = self.rng
        last = None
        if rng.random() < 0.9:
            last = (self.as_of - timedelta(days=min(720, int(rng.expovariate(1 / 70))))).isoformat()
        cadence = self.maybe(0.35, rng.choice((30, 45, 60, 90, 120, 180)))
        return {"strength": self.strength(), "last_contact": last, "cadence_days": cadence}

    def _covers(self, acc: _Account) -> None:
        rng, people, committees = self.rng, acc.people, acc.committees
        weights = list(accumulate([3] + [1] * (len(acc.assigned) - 1)))
        wanted = max(2, round(0.12 * (len(people) + len(committees))))
        made = tries = 0
        while made < wanted and tries < 20 * wanted:
            tries += 1
            mid = acc.assigned[bisect(weights, rng.random() * weights[-1])]
            r = rng.random()
            if r < 0.2:
                target = rng.choice(committees)
            elif r < 0.5:
                target = rng.choice(acc.decision)
            else:
                target = people[int(len(people) * rng.random() ** 2.5)]
            made += self.relate("COVERS", mid, target, **self._cover_props())
        for _ in range(max(1, round(0.06 * len(people)))):
            mid = rng.choice(acc.assigned)
            self.relate("KNOWS", mid, people[int(len(people) * rng.random() ** 1.5)], strength=self.strength())
        if acc.approach == "holistic" and rng.random() < 0.5:
            role = rng.choice(("member", "advisor"))
            self.relate("MEMBER_OF", rng.choice(acc.assigned), rng.choice(committees), role=role)

    # -- the market around the accounts -------------------------------------------------

    def _influencers(self, n: int) -> None:
        rng, doc = self.rng, self.doc
        width = len(str(n))
        top_kinds = (("association", 4), ("planner", 4), ("end_customer", 3), ("multiplier", 1))
        for i in range(n):
            kind = _weighted(rng, top_kinds if i < max(1, n // 10) else V.INFLUENCER_KINDS)
            iid = f"inf{i + 1:0{width}d}"
            name, org = self._influencer_name(kind)
            record: dict[str, Any] = {"id": iid, "name": name, "kind": kind, "organization": org}
            if rng.random() < 0.85:
                record["country"] = rng.choice(list(V.PLACES))
            doc["influencers"].append(record)
            self.influencers.append((iid, kind))
        popularity = list(accumulate(1 / (rank + 1) ** 0.9 for rank in range(n)))
        linked = [False] * n
        for acc in self.accounts:
            wanted = min(n, max(1, round(1 + math.sqrt(acc.nodes) / 2)))
            chosen: set[int] = set()
            while len(chosen) < wanted:
                chosen.add(bisect(popularity, rng.random() * popularity[-1]))
            for i in sorted(chosen):
                self._link(i, acc)
                linked[i] = True
        for i in range(n):
            if not linked[i]:
                self._link(i, rng.choice(self.accounts))

    def _influencer_name(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        last, other = rng.choice(V.LAST_NAMES), rng.choice(V.LAST_NAMES)
        country = rng.choice(list(V.PLACES))
        if kind == "planner":
            return self.person_name(), f"{last} & {other} Engineering"
        if kind == "association":
            name = f"{country} {rng.choice(V.INDUSTRIES)} Association"
            return name, name
        if kind == "end_customer":
            name = f"{rng.choice(V.COMPANY_ROOTS)} {rng.choice(V.COMPANY_FORMS)}"
            return name, name
        if kind == "multiplier":
            return f"Prof. Dr. {self.person_name()}", f"Technical University of {rng.choice(V.PLACES[country])}"
        if kind == "consultant":
            return f"{last} {other} Partners", f"{last} {other} Partners"
        if kind == "authority":
            return f"{country} Energy Agency", f"{country} Energy Agency"
        return self.person_name(), f"{last} Media"

    def _link(self, i: int, acc: _Account) -> None:
        """An influencer's ties into one account: 1-3 influences, maybe a committee seat, maybe our cover."""
        rng = self.rng
        iid, kind = self.influencers[i]
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            if rng.random() < 0.3:
                target = rng.choice(acc.committees)
            else:
                target = acc.people[int(len(acc.people) * rng.random() ** 2)]
            kind_of = self.maybe(0.7, V.INFLUENCE_KIND_OF[kind])
            self.relate("INFLUENCES", iid, target, strength=self.maybe(0.9, self.strength(0.2, 1.0, 0.5)), kind=kind_of)
        if kind in ("association", "planner", "consultant", "end_customer") and rng.random() < 0.15:
            role = "advisor" if rng.random() < 0.7 else "member"
            self.relate("MEMBER_OF", iid, rng.choice(acc.committees), role=role)
        if rng.random() < 0.25:
            self.relate("COVERS", rng.choice(acc.assigned), iid, **self._cover_props())
        if rng.random() < 0.2:
            self.relate("KNOWS", rng.choice(acc.assigned), iid, strength=self.strength())

    def _cross_account(self) -> None:
        rng, accounts = self.rng, self.accounts
        if len(accounts) < 2:
            return
        by_industry: dict[str, list[_Account]] = {}
        for acc in accounts:
            by_industry.setdefault(acc.industry, []).append(acc)
        sizes = list(accumulate(a.nodes for a in accounts))
        for _ in range(round(0.004 * self.spec.relations)):
            a = accounts[bisect(sizes, rng.random() * sizes[-1])]
            peers = by_industry[a.industry] if len(by_industry[a.industry]) > 1 else accounts
            b = rng.choice(peers)
            if b is a:
                continue
            source = a.people[int(len(a.people) * rng.random() ** 2)]
            target = b.people[int(len(b.people) * rng.random() ** 2)]
            kind = rng.choice(("commercial", "personal", "technical"))
            self.relate("INFLUENCES", source, target, strength=self.strength(0.2, 0.8, 0.4), kind=kind)

    def _fill_influences(self) -> None:
        """Spend the rest of the relation budget on influences inside accounts, in proportion to their size."""
        left = self.spec.relations - len(self.rels)
        if left < 0:
            raise ValueError(
                f"{self.spec.relations} relations are too few: the portfolio's structure alone needs {len(self.rels)}"
            )
        sizes = [len(a.people) + len(a.committees) for a in self.accounts]
        caps = [n * (n - 1) // 3 for n in sizes]
        for acc, count in zip(self.accounts, _apportion(left, sizes, 0, caps), strict=True):
            self._influences(acc, count)

    def _influences(self, acc: _Account, count: int) -> None:
        rng, people, committees = self.rng, acc.people, acc.committees
        n = len(people)
        made = 0
        while made < count:
            if rng.random() < 0.88:
                i = rng.randrange(n)
                source = people[i]
                r = rng.random()
                if r < 0.45:
                    target = people[rng.randint(max(0, i - 8), min(n - 1, i + 8))]
                elif r < 0.75:
                    target = people[int(i * rng.random() ** 2)] if i else people[rng.randrange(n)]
                elif r < 0.85:
                    target = rng.choice(committees)
                else:
                    target = people[rng.randrange(n)]
            else:
                source = rng.choice(committees)
                target = people[int(n * rng.random() ** 2)] if rng.random() < 0.8 else rng.choice(committees)
            props = {"strength": self.maybe(0.9, self.strength(0.1, 1.0, 0.45))}
            props["kind"] = self.maybe(0.6, rng.choice(_INFLUENCE_KINDS))
            made += self.relate("INFLUENCES", source, target, **props)


_INFLUENCE_KINDS = tuple(k.value for k in InfluenceKind)
_ROLES_FOR_ANYONE = ("initiator", "user", "influencer", "buyer", "gatekeeper")
