"""The vocabulary of the JSON contract: kinds of document, judgement areas and grades.

Plain enums with no pydantic, so that the command line can use them (``--kind``) without
paying for pydantic's import at start-up. :mod:`ilacs_cli.models` re-exports them.
"""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    ILACS_INSPECTION = "ilacs_inspection"
    FOCUSED_VISIT = "focused_visit"
    MONITORING_VISIT = "monitoring_visit"
    SIF_INSPECTION = "sif_inspection"
    LSCB_REVIEW = "lscb_review"
    CHILD_PROTECTION_INSPECTION = "child_protection_inspection"
    LAC_INSPECTION = "lac_inspection"


class Grade(str, Enum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"


class Area(str, Enum):
    IMPACT_OF_LEADERS = "impact_of_leaders"
    HELP_AND_PROTECTION = "help_and_protection"
    CHILDREN_IN_CARE = "children_in_care"
    CARE_LEAVERS = "care_leavers"
    CHILDREN_IN_CARE_AND_CARE_LEAVERS = "children_in_care_and_care_leavers"
    OVERALL_EFFECTIVENESS = "overall_effectiveness"
    CHILDREN_LOOKED_AFTER = "children_looked_after"
    ADOPTION_PERFORMANCE = "adoption_performance"
    LEADERSHIP_MANAGEMENT_GOVERNANCE = "leadership_management_governance"
    LSCB = "lscb"
    # 2012-13 child protection and looked-after-children inspections
    CAPACITY_FOR_IMPROVEMENT = "capacity_for_improvement"
    QUALITY_OF_PRACTICE = "quality_of_practice"
    LEADERSHIP_AND_GOVERNANCE = "leadership_and_governance"
    # 2012-13 looked-after-children inspections
    OUTCOMES_FOR_LOOKED_AFTER_CHILDREN = "outcomes_for_looked_after_children"
    QUALITY_OF_PROVISION = "quality_of_provision"
    LEADERSHIP_AND_MANAGEMENT = "leadership_and_management"


GRADE_LABELS: dict[Grade, str] = {
    Grade.OUTSTANDING: "Outstanding",
    Grade.GOOD: "Good",
    Grade.REQUIRES_IMPROVEMENT: "Requires improvement to be good",
    Grade.ADEQUATE: "Adequate",
    Grade.INADEQUATE: "Inadequate",
}

#: Grades in order from best to worst, for comparisons (``adequate`` sits where the
#: 2012-13 frameworks put it, between good and inadequate).
GRADE_RANK: dict[Grade, int] = {
    Grade.OUTSTANDING: 4,
    Grade.GOOD: 3,
    Grade.REQUIRES_IMPROVEMENT: 2,
    Grade.ADEQUATE: 2,
    Grade.INADEQUATE: 1,
}
