"""Guardians, households and pupils, family by family: names, contacts, needs, log-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from schoolwindow.core.models import AccountKind
from schoolwindow.demo.context import Child, DemoContext, Family
from schoolwindow.demo.identifiers import landline_numbers, mobile_numbers, upn
from schoolwindow.demo.logins import DEMO_DOMAIN, LOGIN_USERNAMES
from schoolwindow.demo.names import (
    BLACK_BRITISH,
    BLOCKS,
    BRITISH,
    POSTCODE_LETTERS,
    STREETS,
    Community,
    ascii_slug,
)
from schoolwindow.demo.parts.roster.base import RosterWriter
from schoolwindow.people.models import (
    Channel,
    Guardian,
    GuardianLink,
    Household,
    Pupil,
    Relationship,
    SafeguardingStatus,
    SendStatus,
)

LA_CODE = 938  # the local authority part of a UPN
PRIMARY_ESTABLISHMENT = 2001  # DfE establishment number of the demo primary
OTHER_PRIMARIES = range(2002, 2036)  # the secondary's other feeder primaries

DISADVANTAGE_BY_STRUCTURE = {
    "two_parents": 0.16,
    "two_mothers": 0.1,
    "split": 0.3,
    "single_mother": 0.45,
    "single_father": 0.4,
    "grandparents": 0.5,
    "foster": 1.0,
}
CIN_NOTES = (
    "Child in need plan (Riverside Children's Services) since {month}. Review meeting every "
    "six weeks; the DSL or deputy DSL attends.",
    "Child in need: early help step-up in {month}. Family support worker visits weekly.",
)
CP_NOTES = (
    "Child protection plan since {month}, category: neglect. Core group meets monthly; "
    "the DSL attends. Any absence is reported to the social worker the same day.",
    "Child protection plan since {month}, category: emotional abuse. Core group meets "
    "monthly. Share any concern with the DSL at once.",
)
RESTRICTION_REASON = (
    "Prohibited steps order and non-molestation order, Riverside Family Court, {date}. "
    "Mr Bennett must not contact the children or collect them from school, and must not be "
    "told their school, address or progress. The order is held by the DSL; Ms Bennett has a "
    "copy. If he telephones or comes to school, share nothing, inform the DSL at once, and "
    "call 999 if anyone is at risk."
)


@dataclass
class Adult:
    """A guardian being planned, and how they stand to the children of their family."""

    guardian: Guardian
    role: str  # "mother", "father", "step_parent", …
    relationship: str
    parental_responsibility: bool = True
    lives_with_pupil: bool = True
    priority: int = 1
    restricted: str = ""  # the restriction reason, when contact is restricted


class People(RosterWriter):
    """Guardians, households and pupils, family by family, and the family's accounts."""

    def __init__(self, ctx: DemoContext) -> None:
        super().__init__(ctx)
        self.upn_serials: dict[tuple[int, int], int] = {}
        self.reserved_names: set[tuple[str, str]] = set()

    def court_order_date(self) -> str:
        """In last year's spring term, as Jack Bennett's dip after it (engagement/scripts.py)."""
        day = self.ctx.calendar.shifted(dt.date(2026, 3, 9))
        return f"{day.day} {day:%B %Y}"

    def safeguarding_months(self) -> tuple[str, ...]:
        """Months a plan may have started in, all before the demo's today."""
        today = self.ctx.today
        months = []
        for back in (8, 5, 2, 1):
            index = today.year * 12 + today.month - 1 - back
            months.append(f"{dt.date(index // 12, index % 12 + 1, 1):%B %Y}")
        return tuple(months)

    def address(self) -> tuple[str, str]:
        rng = self.rng
        street = rng.choice(STREETS)
        if rng.random() < 0.15:
            lines = [f"Flat {rng.randint(1, 40)}, {rng.choice(BLOCKS)}", street]
        else:
            lines = [f"{rng.randint(1, 180)} {street}"]
        postcode = (
            f"RV{rng.randint(1, 9)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )
        return "\n".join([*lines, "Riverside"]), postcode

    def household(self, name: str) -> Household:
        address, postcode = self.address()
        household = Household(
            trust=self.trust, name=f"{name} household", address=address, postcode=postcode
        )
        self.plan.households.append(household)
        return household

    def email_for(self, first: str, last: str) -> str:
        rng = self.rng
        first_slug, last_slug = ascii_slug(first), ascii_slug(last)
        local = rng.choice(
            (
                f"{first_slug}.{last_slug}",
                f"{first_slug}{last_slug}",
                f"{first_slug}_{last_slug}",
                f"{first_slug[0]}{last_slug}",
                f"{first_slug}.{last_slug}{rng.randint(70, 99)}",
                f"{first_slug}{rng.randint(1, 999)}",
            )
        )
        domain = rng.choice(("example.com", "example.org", "example.net"))
        email = f"{local}@{domain}"
        number = 2
        while email in self.emails:
            email = f"{local}{number}@{domain}"
            number += 1
        self.emails.add(email)
        return email

    def guardian(
        self,
        family: Family,
        role: str,
        *,
        first: str,
        last: str,
        title: str,
        household: Household | None,
        elder: bool = False,
        community: Community | None = None,
    ) -> Guardian:
        rng = self.rng
        community = community or family.community
        language = "en"
        if family.eal and rng.random() < community.prefers_home_language:
            language = community.language
        language = family.languages.get(role, language)
        channels: tuple[str, ...] = (Channel.APP, Channel.EMAIL, Channel.SMS, Channel.LETTER)
        if elder:
            weights = (0.15, 0.25, 0.25, 0.35)
        elif language != "en":
            weights = (0.4, 0.15, 0.4, 0.05)
        else:
            weights = (0.47, 0.3, 0.19, 0.04)
        channel = rng.choices(channels, weights=weights)[0]
        channel = family.channels.get(role, channel)
        has_email = channel in (Channel.APP, Channel.EMAIL) or rng.random() < 0.5
        guardian = Guardian(
            trust=self.trust,
            title=title,
            first_name=first,
            last_name=last,
            email=self.email_for(first, last) if has_email else "",
            address=household.address if household is not None else "",
            postcode=household.postcode if household is not None else "",
            preferred_language=language,
            preferred_channel=channel,
            household=household,
        )
        self.plan.guardians.append(guardian)
        return guardian

    def family_build(self, family: Family) -> None:
        rng = self.rng
        c = family.community
        structure = family.structure
        if family.eal is None:
            family.eal = rng.random() < c.eal
        if family.disadvantaged is None:
            family.disadvantaged = rng.random() < DISADVANTAGE_BY_STRUCTURE[structure]
        surname = family.surname or rng.choice(c.surnames)
        father_first = family.names.get("father") or rng.choice(c.men)
        mother_first = family.names.get("mother") or rng.choice(c.women)
        mother_last = c.surname_for(surname, "female")
        if c.mothers_surnames and rng.random() < c.mother_own_surname:
            mother_last = rng.choice(c.mothers_surnames)
        if structure == "split" and not family.script and rng.random() < 0.4:
            mother_last = c.surname_for(rng.choice(c.mothers_surnames or c.surnames), "female")
        if structure == "foster":
            adults = self.foster_carers(family)
        elif structure == "grandparents":
            adults = self.kinship_carers(family, surname)
        else:
            adults = self.parents(
                family,
                mother=(mother_first, mother_last),
                father=(father_first, surname),
            )
            if not family.script and rng.random() < 0.1:
                # A grandmother elsewhere in town as an emergency contact.
                grand_last = c.surname_for(rng.choice(c.surnames), "female")
                adults.append(
                    self.adult(
                        family,
                        "grandmother",
                        Relationship.GRANDPARENT,
                        (rng.choice(c.elder_women), grand_last, "Mrs"),
                        self.household(grand_last),
                        parental_responsibility=False,
                        lives_with_pupil=False,
                        priority=4,
                        elder=True,
                    )
                )

        resident_home = next(
            (adult.guardian.household for adult in adults if adult.lives_with_pupil), None
        )
        if family.script == "parent":
            for adult in adults:
                if adult.role == "father":
                    adult.restricted = RESTRICTION_REASON.format(date=self.court_order_date())
        if family.script == "shared_phone":
            for adult in adults:
                adult.guardian.email = ""

        # Safeguarding is mostly a family matter: siblings share a plan.
        cin = family.script == "parent" or (
            not family.script
            and structure != "foster"
            and rng.random() < (0.05 if structure in ("split", "single_mother") else 0.02)
        )
        cp = not cin and not family.script and structure != "foster" and rng.random() < 0.007
        safeguarding_month = rng.choice(self.safeguarding_months())
        young_carer_chance = 0.07 if structure.startswith("single") else 0.008

        for child in family.children:
            first = child.first or rng.choice(c.girls if child.gender == "female" else c.boys)
            while not child.first and (first, surname) in self.reserved_names:
                # Only one Jack Bennett: the scripted pupils' names stay theirs.
                first = rng.choice(c.girls if child.gender == "female" else c.boys)
            preferred = child.preferred
            if not child.first and first in c.nicknames and rng.random() < 0.3:
                preferred = c.nicknames[first]
            last = father_first if c.patronymic else c.surname_for(surname, child.gender)
            pupil = self.pupil(child, first=first, preferred=preferred, last=last, family=family)
            pupil.household = resident_home
            pupil.young_carer = child.ordinal >= 3 and rng.random() < young_carer_chance
            if cin or cp:
                template = rng.choice(CP_NOTES if cp else CIN_NOTES)
                self.plan.safeguarding.append(
                    SafeguardingStatus(
                        school=child.school,
                        pupil=pupil,
                        child_in_need=cin,
                        child_protection=cp,
                        note=template.format(month=safeguarding_month),
                    )
                )
            for adult in adults:
                self.plan.links.append(
                    GuardianLink(
                        school=child.school,
                        pupil=pupil,
                        guardian=adult.guardian,
                        relationship=adult.relationship,
                        parental_responsibility=adult.parental_responsibility,
                        lives_with_pupil=adult.lives_with_pupil,
                        contact_priority=adult.priority,
                        contact_restricted=bool(adult.restricted),
                        restriction_reason=adult.restricted,
                    )
                )
        family_adults = {adult.role: adult.guardian for adult in adults}
        self.family_accounts(family, adults)
        if family.script:
            self.special_guardians[family.script] = family_adults

    def adult(
        self,
        family: Family,
        role: str,
        relationship: str,
        name: tuple[str, str, str],
        household: Household | None,
        *,
        parental_responsibility: bool = True,
        lives_with_pupil: bool = True,
        priority: int = 1,
        elder: bool = False,
        community: Community | None = None,
    ) -> Adult:
        first, last, title = name
        guardian = self.guardian(
            family,
            role,
            first=first,
            last=last,
            title=title,
            household=household,
            elder=elder,
            community=community,
        )
        return Adult(
            guardian,
            role,
            relationship,
            parental_responsibility=parental_responsibility,
            lives_with_pupil=lives_with_pupil,
            priority=priority,
        )

    def foster_carers(self, family: Family) -> list[Adult]:
        """Foster carers (the local authority holds parental responsibility) and a social worker."""
        rng = self.rng
        carers = rng.choice((BRITISH, BRITISH, BRITISH, BLACK_BRITISH))
        last = rng.choice(carers.surnames)
        home = self.household(last)
        adults = [
            self.adult(
                family,
                "foster_mother",
                Relationship.FOSTER_CARER,
                (rng.choice(carers.women), last, "Mrs"),
                home,
                parental_responsibility=False,
                community=carers,
            )
        ]
        if rng.random() < 0.6:
            adults.append(
                self.adult(
                    family,
                    "foster_father",
                    Relationship.FOSTER_CARER,
                    (rng.choice(carers.men), last, "Mr"),
                    home,
                    parental_responsibility=False,
                    priority=2,
                    community=carers,
                )
            )
        worker = self.adult(
            family,
            "social_worker",
            Relationship.SOCIAL_WORKER,
            (rng.choice(BRITISH.women + BLACK_BRITISH.women), rng.choice(BRITISH.surnames), "Ms"),
            None,
            parental_responsibility=False,
            lives_with_pupil=False,
            priority=3,
            community=BRITISH,
        )
        worker.guardian.preferred_channel = Channel.EMAIL
        worker.guardian.address = "Children's Services, Riverside Council, Town Hall\nRiverside"
        worker.guardian.postcode = "RV1 1TH"
        if not worker.guardian.email:
            worker.guardian.email = self.email_for(
                worker.guardian.first_name, worker.guardian.last_name
            )
        return [*adults, worker]

    def kinship_carers(self, family: Family, surname: str) -> list[Adult]:
        """Grandparents bringing up their grandchildren (a special guardianship order)."""
        rng = self.rng
        c = family.community
        home = self.household(surname)
        adults = [
            self.adult(
                family,
                "grandmother",
                Relationship.GRANDPARENT,
                (rng.choice(c.elder_women), c.surname_for(surname, "female"), "Mrs"),
                home,
                elder=True,
            )
        ]
        if rng.random() < 0.5:
            adults.append(
                self.adult(
                    family,
                    "grandfather",
                    Relationship.GRANDPARENT,
                    (rng.choice(c.elder_men), surname, "Mr"),
                    home,
                    priority=2,
                    elder=True,
                )
            )
        return adults

    def parents(
        self, family: Family, *, mother: tuple[str, str], father: tuple[str, str]
    ) -> list[Adult]:
        """Two parents at home, two mothers, a single parent, or parents who live apart."""
        rng = self.rng
        c = family.community
        structure = family.structure
        together = structure != "split"
        resident = "father" if structure == "single_father" else "mother"
        if structure == "split" and not family.script and rng.random() < 0.15:
            resident = "father"
        home = self.household(mother[1] if resident == "mother" else father[1])
        adults: list[Adult] = []
        if structure in ("two_parents", "split", "single_mother", "two_mothers"):
            lives = together or resident == "mother"
            adults.append(
                self.adult(
                    family,
                    "mother",
                    Relationship.MOTHER,
                    (*mother, "Mrs" if structure == "two_parents" else "Ms"),
                    home if lives else self.household(mother[1]),
                    lives_with_pupil=lives,
                    priority=1 if resident == "mother" else 2,
                )
            )
        if structure == "two_mothers":
            adults.append(
                self.adult(
                    family,
                    "mother2",
                    Relationship.MOTHER,
                    (rng.choice(c.women), father[1], "Ms"),
                    home,
                    priority=2,
                )
            )
        if structure in ("two_parents", "split", "single_father"):
            lives = together or resident == "father"
            adults.append(
                self.adult(
                    family,
                    "father",
                    Relationship.FATHER,
                    (*father, "Mr"),
                    home if lives else self.household(father[1]),
                    lives_with_pupil=lives,
                    priority=1 if resident == "father" else 2,
                )
            )
        if structure == "split" and not family.script and rng.random() < 0.35:
            # A step-parent at the children's main home, without parental responsibility.
            male = resident == "mother"
            last = rng.choice(c.surnames)
            adults.append(
                self.adult(
                    family,
                    "step_parent",
                    Relationship.STEP_PARENT,
                    (
                        rng.choice(c.men if male else c.women),
                        last if male else c.surname_for(last, "female"),
                        "Mr" if male else "Mrs",
                    ),
                    home,
                    parental_responsibility=False,
                    priority=3,
                )
            )
        return adults

    def pupil(
        self, child: Child, *, first: str, preferred: str, last: str, family: Family
    ) -> Pupil:
        rng = self.rng
        # Born between 1 September and 31 August of the year that puts them in this year group.
        born_from = dt.date(self.ctx.calendar.this_year_start.year - 5 - child.ordinal, 9, 1)
        date_of_birth = born_from + dt.timedelta(days=rng.randrange(365))
        looked_after = family.structure == "foster"
        male = child.gender == "male"
        roll = rng.random()
        if looked_after:
            send = SendStatus.EHCP if roll < 0.12 else SendStatus.SUPPORT if roll < 0.45 else ""
        else:
            ehcp, support = (0.042, 0.17) if male else (0.018, 0.1)
            send = (
                SendStatus.EHCP
                if roll < ehcp
                else SendStatus.SUPPORT
                if roll < ehcp + support
                else ""
            )
        disadvantaged = bool(family.disadvantaged) or looked_after
        child.ability = (
            rng.gauss(0, 1)
            - (1.5 if send == SendStatus.EHCP else 0.8 if send == SendStatus.SUPPORT else 0)
            - (0.3 if disadvantaged else 0)
        )
        pupil = Pupil(
            school=child.school,
            upn=self.upn_for(child),
            legal_first_name=first,
            legal_last_name=last,
            preferred_first_name=preferred,
            date_of_birth=date_of_birth,
            gender=child.gender,
            year_group=self.year_groups[child.ordinal],
            disadvantaged=disadvantaged,
            pupil_premium=disadvantaged,
            send_status=send,
            eal=bool(family.eal),
            home_language=family.community.language if family.eal else "en",
            looked_after=looked_after,
        )
        child.pupil = pupil
        self.plan.pupils.append(pupil)
        return pupil

    def upn_for(self, child: Child) -> str:
        rng = self.rng
        if child.ordinal < 7:
            joined_elsewhere = rng.random() < 0.1
            establishment = (
                rng.choice(OTHER_PRIMARIES) if joined_elsewhere else PRIMARY_ESTABLISHMENT
            )
        else:
            from_ours = rng.random() < 0.3
            establishment = PRIMARY_ESTABLISHMENT if from_ours else rng.choice(OTHER_PRIMARIES)
        allocated = (
            self.ctx.calendar.this_year_start.year - child.ordinal
        )  # the year they started Reception
        serial = self.upn_serials.get((establishment, allocated), 0) + 1
        self.upn_serials[(establishment, allocated)] = serial
        return upn(la_code=LA_CODE, establishment=establishment, year=allocated, serial=serial)

    def phones_assign(self) -> None:
        """Drama numbers only: mobiles first to those who want texts, landlines after."""
        mobiles: Iterator[str] = mobile_numbers()
        landlines: Iterator[str] = landline_numbers()

        def next_number() -> str:
            for source in (mobiles, landlines):
                number = next(source, None)
                if number is not None:
                    return number
            return f"07700 900{self.rng.randrange(1000):03d}"  # more guardians than numbers

        shared = self.special_guardians.get("shared_phone", {})
        shared_number = next(mobiles)
        for guardian in shared.values():
            guardian.phone = shared_number
        ordered = sorted(
            (g for g in self.plan.guardians if not g.phone),
            key=lambda g: g.preferred_channel != Channel.SMS,
        )
        for guardian in ordered:
            if self.rng.random() < 0.02 and guardian.preferred_channel != Channel.SMS:
                continue  # no number on record
            guardian.phone = next_number()

    def family_accounts(self, family: Family, adults: list[Adult]) -> None:
        """Parents who chose the app have an account; secondary pupils have one too."""
        for adult in adults:
            guardian = adult.guardian
            if adult.restricted or guardian.preferred_channel != Channel.APP or not guardian.email:
                continue
            username = guardian.email
            if family.script == "parent" and adult.role == "mother":
                username = LOGIN_USERNAMES["parent"]
            user = self.user(
                AccountKind.GUARDIAN,
                username,
                first=guardian.first_name,
                last=guardian.last_name,
                email=guardian.email,
            )
            if guardian.preferred_language == "pl":
                user.language = "pl"  # the site speaks Polish too
            guardian.user = user
        for index, child in enumerate(family.children):
            pupil = child.pupil
            if pupil is None or child.ordinal < 7:
                continue
            if family.script == "pupil" and index == 0:
                username = LOGIN_USERNAMES["pupil"]
            else:
                username = self.username(
                    pupil.legal_first_name, pupil.legal_last_name, f"pupils.{DEMO_DOMAIN}"
                )
            pupil.email = username
            pupil.user = self.user(
                AccountKind.PUPIL, username, first=pupil.first_name, last=pupil.last_name
            )
