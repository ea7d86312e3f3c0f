"""Cause ranking: score first, then how well the cause's link to back pain is supported."""

from __future__ import annotations

import dataclasses

from backstride.assess.engine import rank_causes
from backstride.kb import KnowledgeBase


def test_on_equal_scores_the_better_supported_cause_ranks_first(kb: KnowledgeBase) -> None:
    base = kb.causes["prolonged_sitting"]
    item = base.evidence[2].model_copy(update={"when": "sitting_worse", "weight": 0.3})
    # ids chosen so that alphabetical order alone would put the expert-opinion cause first
    causes = {
        cid: base.model_copy(update={"id": cid, "link_evidence": level, "evidence": [item]})
        for cid, level in [("a_expert", "expert_opinion"), ("b_weak", "weak"), ("c_moderate", "moderate")]
    }  # fmt: skip
    two = dataclasses.replace(kb, causes=causes)
    ranked = rank_causes({"sitting_worse": True}, two)
    assert [c.score for c in ranked] == [0.3, 0.3, 0.3]
    assert [c.id for c in ranked] == ["c_moderate", "b_weak", "a_expert"]


def test_score_still_outranks_evidence_level(kb: KnowledgeBase) -> None:
    ranked = rank_causes({"same_route_most_days": True}, kb)
    assert ranked[0].id == "monotonous_terrain"  # expert opinion, but the only cause that matched
    assert ranked[0].link_evidence == "expert_opinion" and ranked[0].score == 0.4


def test_shipped_causes_with_nothing_matched_list_weak_before_expert_opinion(
    kb: KnowledgeBase,
) -> None:
    ranked = rank_causes({}, kb)
    assert {c.score for c in ranked} == {0.0}
    levels = [c.link_evidence for c in ranked]
    assert levels == sorted(levels, key=["strong", "moderate", "weak", "expert_opinion"].index)
    ids = [c.id for c in ranked]
    assert ids.index("poor_recovery") < ids.index("monotonous_terrain")  # weak before expert
