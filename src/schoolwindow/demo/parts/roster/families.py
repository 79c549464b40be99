"""The demo's pupils and their families, and the classes and sets they are in."""

from __future__ import annotations

from collections.abc import Sequence

from schoolwindow.demo.context import Child, DemoContext, Family
from schoolwindow.demo.names import BRITISH, COMMUNITIES, POLISH, ROMANIAN
from schoolwindow.demo.parts import DemoPart
from schoolwindow.demo.parts.roster.base import SET_SUBJECTS
from schoolwindow.demo.parts.roster.people import People
from schoolwindow.people.models import Channel, Enrolment
from schoolwindow.schools.models import Group

# Pupils per year group at full size: Reception to Year 6, then Years 7 to 11.
PRIMARY_YEAR_SIZES = (58, 60, 56, 57, 59, 55, 56)
SECONDARY_YEAR_SIZES = (224, 221, 218, 219, 216)
# Lower sets are smaller.
SET_WEIGHTS = (1.2, 1.15, 1.1, 1.05, 1.0, 0.95, 0.85, 0.7)

STRUCTURES = (
    ("two_parents", 0.56),
    ("two_mothers", 0.02),
    ("split", 0.18),
    ("single_mother", 0.16),
    ("single_father", 0.03),
    ("grandparents", 0.03),
)


class Families(People):
    """Who is in which family: the scripted families first, then everyone else."""

    def children_plan(self) -> list[Child]:
        rng = self.rng
        children: list[Child] = []
        sizes = (*PRIMARY_YEAR_SIZES, *SECONDARY_YEAR_SIZES)
        for ordinal, size in enumerate(sizes):
            count = max(len(self.classes[ordinal]), round(size * self.scale))
            school = self.school_for_ordinal[ordinal]
            for _ in range(count):
                gender = "female" if rng.random() < 0.49 else "male"
                children.append(Child(school=school, ordinal=ordinal, gender=gender))
        return children

    def families_plan(self, children: list[Child]) -> list[Family]:
        rng = self.rng
        pools: dict[int, list[Child]] = {ordinal: [] for ordinal in range(12)}
        order = children[:]
        rng.shuffle(order)
        for child in order:
            pools[child.ordinal].append(child)

        def take(ordinal: int, gender: str | None = None) -> Child | None:
            pool = pools.get(ordinal, [])
            while pool:
                child = pool.pop()
                if child.family is None:
                    if gender is not None:
                        child.gender = gender
                    return child
            return None

        families: list[Family] = []

        def scripted(family: Family, wanted: Sequence[tuple[int, str, str, str]]) -> None:
            for ordinal, gender, first, preferred in wanted:
                child = take(ordinal, gender)
                if child is None:
                    raise RuntimeError(f"No pupil left in year {ordinal} for the demo")
                child.first, child.preferred, child.family = first, preferred, family
                family.children.append(child)
            self.special[family.script] = family
            families.append(family)

        # The parent who signs in: a daughter in the primary, a son in the secondary, and
        # their father under a court order.
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="split",
                script="parent",
                surname="Bennett",
                names={"mother": "Claire", "father": "Darren"},
                channels={"mother": Channel.APP, "father": Channel.EMAIL},
                disadvantaged=True,
                eal=False,
            ),
            [(4, "female", "Ella", ""), (8, "male", "Jack", "")],
        )
        # The pupil who signs in: a Year 9 girl whose mother reads Polish, brother in Year 2.
        scripted(
            Family(
                children=[],
                community=POLISH,
                structure="two_parents",
                script="pupil",
                surname="Nowak",
                names={"mother": "Magdalena", "father": "Tomasz"},
                languages={"mother": "pl", "father": "en"},
                channels={"mother": Channel.APP, "father": Channel.SMS},
                disadvantaged=False,
                eal=True,
            ),
            [(9, "female", "Zuzanna", "Zuza"), (2, "male", "Antoni", "")],
        )
        # One shared phone, no email, no internet at home: texts in Romanian.
        scripted(
            Family(
                children=[],
                community=ROMANIAN,
                structure="two_parents",
                script="shared_phone",
                surname="Popa",
                names={"mother": "Mihaela", "father": "Marius"},
                languages={"mother": "ro", "father": "ro"},
                channels={"mother": Channel.SMS, "father": Channel.SMS},
                disadvantaged=True,
                eal=True,
            ),
            [(10, "female", "Ioana", ""), (5, "male", "Luca", "")],
        )
        # Three more whose engagement history tells a story this term (parts/engagement): a
        # boy whose unauthorised absences climb, a girl in school but silent online since
        # half-term, and a family with children in both schools who stopped reading email.
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="single_mother",
                script="unauthorised",
                surname="Hughes",
                names={"mother": "Leanne"},
                channels={"mother": Channel.SMS},
                disadvantaged=True,
                eal=False,
            ),
            [(10, "male", "Tyler", "")],
        )
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="two_parents",
                script="online_quiet",
                surname="Marsh",
                names={"mother": "Hayley", "father": "Craig"},
                channels={"mother": Channel.APP, "father": Channel.EMAIL},
                disadvantaged=False,
                eal=False,
            ),
            [(7, "female", "Freya", "")],
        )
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="two_parents",
                script="unread",
                surname="Turner",
                names={"mother": "Kelly", "father": "Stuart"},
                channels={"mother": Channel.EMAIL, "father": Channel.EMAIL},
                disadvantaged=False,
                eal=False,
            ),
            [(11, "male", "Mason", ""), (3, "female", "Poppy", "")],
        )
        self.reserved_names = {
            (child.first, family.surname)
            for family in families
            for child in family.children
            if family.script
        }

        gaps = (1, 2, 3, 4, 5, 6)
        gap_weights = (0.25, 0.3, 0.22, 0.12, 0.07, 0.04)
        for child in order:
            if child.family is not None:
                continue
            family = Family(children=[child])
            child.family = family
            families.append(family)
            siblings = rng.choices((0, 1, 2, 3), weights=(0.47, 0.37, 0.12, 0.04))[0]
            for _ in range(siblings):
                if rng.random() < 0.02:
                    gap = 0  # twins
                else:
                    gap = rng.choices(gaps, weights=gap_weights)[0] * rng.choice((-1, 1))
                sibling = take(child.ordinal + gap)
                if sibling is not None:
                    sibling.family = family
                    family.children.append(sibling)

        structures = [name for name, _ in STRUCTURES]
        weights = [weight for _, weight in STRUCTURES]
        communities = list(COMMUNITIES)
        community_weights = [community.weight for community in communities]
        for family in families:
            if family.script:
                continue
            family.community = rng.choices(communities, weights=community_weights)[0]
            family.structure = rng.choices(structures, weights=weights)[0]
            if family.structure == "two_mothers" and family.community is not BRITISH:
                family.structure = "two_parents"

        # Looked-after children: about one pupil in 200 lives with foster carers.
        wanted = max(2, round(0.005 * len(children)))
        candidates = [
            family
            for family in families
            if not family.script and len(family.children) <= 2 and family.structure != "split"
        ]
        rng.shuffle(candidates)
        placed = 0
        for family in candidates:
            if placed >= wanted:
                break
            family.structure = "foster"
            placed += len(family.children)
        return families

    def enrolments_build(self, children: list[Child]) -> None:
        rng = self.rng
        by_year: dict[int, list[Child]] = {ordinal: [] for ordinal in range(12)}
        for child in children:
            by_year[child.ordinal].append(child)
        enrolments = self.plan.enrolments
        for ordinal, year in by_year.items():
            school = self.school_for_ordinal[ordinal]
            dealt = year[:]
            rng.shuffle(dealt)
            groups = self.classes[ordinal]
            for index, child in enumerate(dealt):
                enrolments.append(
                    Enrolment(school=school, group=groups[index % len(groups)], pupil=child.pupil)
                )
            if ordinal < 7:
                continue
            for subject, _ in SET_SUBJECTS:
                ranked = sorted(year, key=lambda c: c.ability + rng.gauss(0, 0.5), reverse=True)
                for child, group in zip(
                    ranked, self.set_slots(len(ranked), self.sets[(ordinal, subject)]), strict=True
                ):
                    enrolments.append(Enrolment(school=school, group=group, pupil=child.pupil))

    @staticmethod
    def set_slots(count: int, sets: list[Group]) -> list[Group]:
        total = sum(SET_WEIGHTS)
        slots: list[Group] = []
        cumulative = 0.0
        for group, weight in zip(sets, SET_WEIGHTS, strict=True):
            cumulative += weight
            end = round(count * cumulative / total)
            slots.extend([group] * (end - len(slots)))
        return slots


def families_build(ctx: DemoContext) -> None:
    families = Families(ctx)
    ctx.say("Building pupils…")
    ctx.children = families.children_plan()
    ctx.say("Building families…")
    for family in families.families_plan(ctx.children):
        families.family_build(family)
    families.phones_assign()
    ctx.say("Building classes and teaching groups…")
    families.enrolments_build(ctx.children)


PART = DemoPart(name="roster.families", build=families_build)
