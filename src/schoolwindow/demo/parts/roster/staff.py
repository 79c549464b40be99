"""The schools' staff, their roles and groups, the advocates' caseloads, the trust officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from schoolwindow.core.models import AccountKind, User
from schoolwindow.demo.context import Child, DemoContext
from schoolwindow.demo.logins import DEMO_DOMAIN, LOGIN_USERNAMES
from schoolwindow.demo.names import COMMUNITIES, STAFF_WEIGHTS
from schoolwindow.demo.parts import DemoPart
from schoolwindow.demo.parts.roster.base import SET_SUBJECTS, SETS_PER_YEAR, RosterWriter
from schoolwindow.people.models import (
    AdvocateAssignment,
    Pupil,
    Role,
    SendStatus,
    Staff,
    StaffRole,
    TeachingAssignment,
    TrustOfficer,
)
from schoolwindow.schools.models import Group, School

OTHER_SUBJECTS = (
    "History",
    "Geography",
    "French",
    "Spanish",
    "Computing",
    "PE",
    "PE",
    "Art",
    "Music",
    "Drama",
    "Religious studies",
    "Design and technology",
    "Business",
    "Food and nutrition",
    "Psychology",
    "Sociology",
)


class Staffing(RosterWriter):
    """Staff in every role, who teaches which group, and the advocates' caseloads."""

    def group_of(self, pupil: Pupil, groups: Sequence[Group]) -> Group:
        wanted = {id(group) for group in groups}
        for enrolment in self.plan.enrolments:
            if enrolment.pupil is pupil and id(enrolment.group) in wanted:
                return enrolment.group
        raise LookupError("pupil is in none of these groups")

    # ----------------------------------------------------------------- staff

    def person(self) -> tuple[str, str, str]:
        """A member of staff's title, first and last name, drawn from the town."""
        rng = self.rng
        keys = list(STAFF_WEIGHTS)
        key = rng.choices(keys, weights=[STAFF_WEIGHTS[k] for k in keys])[0]
        community = next(c for c in COMMUNITIES if c.key == key)
        female = rng.random() < 0.68
        first = rng.choice(community.women if female else community.men)
        last = community.surname_for(rng.choice(community.surnames), "female" if female else "male")
        title = rng.choice(("Mrs", "Ms", "Miss")) if female else "Mr"
        if rng.random() < 0.04:
            title = "Dr"
        return title, first, last

    def staff_member(
        self,
        school: School,
        job: str,
        roles: Sequence[str],
        *,
        name: tuple[str, str, str] | None = None,
        username: str = "",
        user: User | None = None,
    ) -> Staff:
        title, first, last = name or self.person()
        if user is None:
            user = self.user(
                AccountKind.STAFF,
                username or self.username(first, last, DEMO_DOMAIN),
                first=first,
                last=last,
            )
        staff = Staff(
            school=school,
            user=user,
            title=title,
            first_name=first,
            last_name=last,
            email=user.email,
            job_title=job,
        )
        self.plan.staff.append(staff)
        self.plan.roles.extend(StaffRole(school=school, staff=staff, role=role) for role in roles)
        return staff

    def teaches(self, staff: Staff, group: Group, *, primary: bool = True) -> None:
        self.plan.teaching.append(
            TeachingAssignment(school=group.school, group=group, staff=staff, primary=primary)
        )

    def staff_build(self, children: list[Child]) -> None:
        rng = self.rng
        login = LOGIN_USERNAMES
        primary, secondary = self.primary, self.secondary

        # Shared by both schools: the family liaison officer, who speaks Polish.
        flo_user = self.user(AccountKind.STAFF, login["flo"], first="Agnieszka", last="Wójcik")
        for school in (primary, secondary):
            self.staff_member(
                school,
                "Family liaison officer",
                [Role.FLO],
                name=("Mrs", "Agnieszka", "Wójcik"),
                user=flo_user,
            )

        # Riverside Primary School
        self.staff_member(
            primary, "Headteacher and designated safeguarding lead", [Role.LEADER, Role.DSL]
        )
        deputy = self.staff_member(
            primary, "Deputy headteacher and deputy DSL", [Role.LEADER, Role.DSL, Role.TEACHER]
        )
        senco = self.staff_member(
            primary, "Inclusion lead and SENCo", [Role.PASTORAL, Role.ADVOCATE]
        )
        class_groups = [group for ordinal in range(7) for group in self.classes[ordinal]]
        for group in class_groups[:-1]:
            teacher = self.staff_member(primary, f"Class teacher, {group.name}", [Role.TEACHER])
            self.teaches(teacher, group)
        self.teaches(deputy, class_groups[-1])
        job_share = self.staff_member(
            primary, f"Class teacher (job share), {class_groups[4].name}", [Role.TEACHER]
        )
        self.teaches(job_share, class_groups[4], primary=False)
        primary_advocates = [senco] + [
            self.staff_member(primary, "Teaching assistant", [Role.ADVOCATE]) for _ in range(3)
        ]
        self.staff_member(primary, "School business manager", [Role.OFFICE])
        self.staff_member(primary, "Office administrator", [Role.OFFICE])

        # Riverside Academy: the people behind the printed log-ins first.
        self.staff_member(
            secondary,
            "Headteacher",
            [Role.LEADER],
            name=("Dr", "Helen", "Carter"),
            username=login["leader"],
        )
        self.staff_member(secondary, "Deputy headteacher", [Role.LEADER])
        self.staff_member(
            secondary,
            "Assistant headteacher and designated safeguarding lead",
            [Role.DSL],
            name=("Mr", "Marcus", "Campbell"),
            username=login["dsl"],
        )
        self.staff_member(secondary, "Deputy DSL and attendance lead", [Role.DSL, Role.PASTORAL])
        for ordinal in range(7, 12):
            if ordinal == 9:
                self.staff_member(
                    secondary,
                    "Head of Year 9",
                    [Role.PASTORAL],
                    name=("Mr", "Imran", "Hussain"),
                    username=login["pastoral"],
                )
            else:
                self.staff_member(secondary, f"Head of Year {ordinal}", [Role.PASTORAL])
        self.staff_member(secondary, "Attendance officer", [Role.PASTORAL])
        advocate = self.staff_member(
            secondary,
            "Learning mentor",
            [Role.ADVOCATE],
            name=("Ms", "Priya", "Sharma"),
            username=login["advocate"],
        )
        secondary_advocates = [
            advocate,
            self.staff_member(secondary, "SENCo", [Role.ADVOCATE, Role.TEACHER]),
            self.staff_member(secondary, "Learning mentor", [Role.ADVOCATE]),
            self.staff_member(secondary, "Learning mentor", [Role.ADVOCATE]),
        ]
        self.staff_member(
            secondary,
            "Data and office manager",
            [Role.OFFICE],
            name=("Mrs", "Janet", "Holmes"),
            username=login["office"],
        )
        self.staff_member(secondary, "Receptionist", [Role.OFFICE])
        self.staff_member(secondary, "Exams officer", [Role.OFFICE])

        # Teachers: eight per core subject (one set in each year), and the rest tutor.
        demo_teacher = self.staff_member(
            secondary,
            "Teacher of English",
            [Role.TEACHER],
            name=("Ms", "Laura", "Fletcher"),
            username=login["teacher"],
        )
        core: dict[str, list[Staff]] = {}
        for subject, _ in SET_SUBJECTS:
            team = [demo_teacher] if subject == "English" else []
            while len(team) < SETS_PER_YEAR:
                team.append(self.staff_member(secondary, f"Teacher of {subject}", [Role.TEACHER]))
            core[subject] = team
        others: list[Staff] = []
        for index, subject in enumerate(OTHER_SUBJECTS):
            roles = [Role.TEACHER, Role.ADVOCATE] if index % 3 == 0 else [Role.TEACHER]
            teacher = self.staff_member(secondary, f"Teacher of {subject}", roles)
            others.append(teacher)
            if Role.ADVOCATE in roles:
                secondary_advocates.append(teacher)

        demo_pupil = self.special["pupil"].children[0].pupil
        jack = self.special["parent"].children[1].pupil
        assert demo_pupil is not None and jack is not None
        must_teach = {
            (9, "English"): self.group_of(demo_pupil, self.sets[(9, "English")]),
            (8, "English"): self.group_of(jack, self.sets[(8, "English")]),
        }
        for ordinal in range(7, 12):
            for subject, _ in SET_SUBJECTS:
                sets = self.sets[(ordinal, subject)]
                teachers = core[subject][:]
                rng.shuffle(teachers)
                if (ordinal, subject) in must_teach:
                    wanted = sets.index(must_teach[(ordinal, subject)])
                    current = teachers.index(demo_teacher)
                    teachers[wanted], teachers[current] = teachers[current], teachers[wanted]
                for group, teacher in zip(sets, teachers, strict=True):
                    self.teaches(teacher, group)

        tutors = [*(t for team in core.values() for t in team), *others]
        rng.shuffle(tutors)
        tutor_groups = [group for ordinal in range(7, 12) for group in self.classes[ordinal]]
        demo_tutor_group = self.group_of(demo_pupil, self.classes[9])
        wanted = tutor_groups.index(demo_tutor_group)
        current = tutors.index(demo_teacher)
        tutors[wanted], tutors[current] = tutors[current], tutors[wanted]
        for group, tutor in zip(tutor_groups, tutors, strict=False):
            self.teaches(tutor, group)

        self.caseloads_build(children, primary, primary_advocates, first=None)
        self.caseloads_build(children, secondary, secondary_advocates, first=jack)

        # The trust's director of education: figures for both schools, no pupil records.
        officer = self.user(AccountKind.TRUST, login["trust officer"], first="Andrew", last="Shaw")
        self.plan.officers.append(TrustOfficer(trust=self.trust, user=officer, pupil_access=False))

    def caseloads_build(
        self, children: list[Child], school: School, advocates: list[Staff], *, first: Pupil | None
    ) -> None:
        """Every vulnerable learner gets an adult advocate; the first advocate's list leads."""
        rng = self.rng
        vulnerable_ids = {id(s.pupil) for s in self.plan.safeguarding}
        vulnerable: list[Pupil] = []
        for child in children:
            pupil = child.pupil
            if pupil is None or child.school is not school or pupil is first:
                continue
            if (
                pupil.looked_after
                or pupil.young_carer
                or pupil.send_status == SendStatus.EHCP
                or id(pupil) in vulnerable_ids
                or (pupil.disadvantaged and pupil.send_status == SendStatus.SUPPORT)
            ):
                vulnerable.append(pupil)
        rng.shuffle(vulnerable)
        if first is not None:
            vulnerable.insert(0, first)
        for index, pupil in enumerate(vulnerable):
            started = min(
                self.ctx.calendar.history_start + dt.timedelta(days=7 + rng.randrange(400)),
                self.ctx.today - dt.timedelta(days=1),
            )
            self.plan.advocacy.append(
                AdvocateAssignment(
                    school=school,
                    staff=advocates[index % len(advocates)],
                    pupil=pupil,
                    started=started,
                )
            )


def staff_build(ctx: DemoContext) -> None:
    ctx.say("Building staff, roles and advocates' caseloads…")
    Staffing(ctx).staff_build(ctx.children)


PART = DemoPart(name="roster.staff", build=staff_build)
