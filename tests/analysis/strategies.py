"""Hypothesis strategies: random small accounts as graphsvc/1 documents."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.analysis.builders import ACC, Doc

WEIGHTS = [0.1, 0.25, 0.5, 0.8, 1.0]
STRENGTHS = [None, *WEIGHTS]  # None: left out, so the default applies
NODE_KINDS = ["person_a", "person_a", "person_a", "person_b", "committee_a", "committee_b", "influencer"]
ROLES = ["decider", "approver", "buyer", "user", "influencer", "gatekeeper", "initiator"]
RELATION_TYPES = ["INFLUENCES", "INFLUENCES", "INFLUENCES", "MEMBER_OF", "REPORTS_TO", "COVERS", "COVERS", "KNOWS"]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Account acc_a (and acc_b) with <= 8 non-member nodes, 1-3 members and random relations.

    acc_a may have two sites, s_1 and s_2, where some of its people work.
    """
    doc = Doc().account("acc_b", status="candidate")
    sites = draw(st.sampled_from([[], ["s_1"], ["s_1", "s_2"]]))
    for site in sites:
        doc.site(site)
    kinds = ["person_a", *draw(st.lists(st.sampled_from(NODE_KINDS), max_size=7))]
    ids: list[str] = []
    for i, kind in enumerate(kinds):
        account = ACC if kind.endswith("_a") else "acc_b"
        if kind.startswith("person"):
            ids.append(f"p{i}")
            roles = draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=3))
            power = draw(st.sampled_from([None, 0.3, 0.5, 0.69, 0.7, 0.9]))
            attitude = draw(st.sampled_from([None, "champion", "supporter", "skeptic", "opponent"]))
            site = draw(st.sampled_from([None, *sites])) if account == ACC else None
            doc.person(ids[-1], account=account, site=site, roles=roles or None, power=power, attitude=attitude)
        elif kind.startswith("committee"):
            ids.append(f"c{i}")
            doc.committee(ids[-1], account=account, power=draw(st.sampled_from([None, 0.3, 0.49, 0.5, 1.0])))
        else:
            ids.append(f"i{i}")
            doc.influencer(ids[-1])
    members = [f"m{j}" for j in range(draw(st.integers(1, 3)))]
    for j, m in enumerate(members):
        doc.member(m, draw(st.sampled_from(["kam", "executive_sponsor"])))
        if j == 0 or draw(st.booleans()):
            doc.assigned(m)
    kind_of = {**{n: n[0] for n in ids}, **dict.fromkeys(members, "m")}
    ends = {  # relation type -> (source kinds, target kinds), DESIGN.md section 2
        "INFLUENCES": ("pic", "pc"),
        "MEMBER_OF": ("pim", "c"),
        "REPORTS_TO": ("p", "p"),
        "COVERS": ("m", "pci"),
        "KNOWS": ("m", "pi"),
    }
    kinds_present = set(kind_of.values())
    types = [t for t in RELATION_TYPES if set(ends[t][0]) & kinds_present and set(ends[t][1]) & kinds_present]
    seen: set[tuple[str, str, str]] = set()
    for _ in range(draw(st.integers(0, 30))):
        rtype = draw(st.sampled_from(types))
        u = draw(st.sampled_from([n for n in kind_of if kind_of[n] in ends[rtype][0]]))
        v = draw(st.sampled_from([n for n in kind_of if kind_of[n] in ends[rtype][1]]))
        strength = draw(st.sampled_from(STRENGTHS))
        # REPORTS_TO only from a later to an earlier person: never a cycle.
        if u == v or (rtype, u, v) in seen or (rtype == "REPORTS_TO" and ids.index(u) < ids.index(v)):
            continue
        seen.add((rtype, u, v))
        if rtype == "MEMBER_OF":
            doc.member_of(u, v, draw(st.sampled_from(["chair", "member", "advisor"])), strength)
        elif rtype == "COVERS":
            last = draw(st.sampled_from([None, "2026-01-01", "2026-06-01"]))
            doc.covers(u, v, strength, last_contact=last, cadence_days=draw(st.sampled_from([None, 30, 90, 150])))
        else:
            doc.rel(rtype, u, v, strength=strength)
    return doc.dict()
