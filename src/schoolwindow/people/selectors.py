"""Reads of pupils and their families: each takes the acting user, returns only what they may see.

Safeguarding facts (`SafeguardingStatus`, `GuardianLink.restriction_reason`) are read only by the
DSL branches here, and every such read writes an audit row. For everyone else the restriction
reason is not even loaded from the database, and a restricted guardian's contact details never
leave this module: templates get plain `GuardianEntry` rows with those fields empty.

Every view of a pupil profile by staff is audited too ("pupil.viewed").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import (
    INVITE_PARENTS,
    SAFEGUARDING,
    SEE_OWN_CLASSES,
    SEE_WHOLE_SCHOOL,
)
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.contact import contactable_links, may_contact, restricted_links
from schoolwindow.people.models import (
    AdvocateAssignment,
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    PupilStatus,
    SafeguardingStatus,
    SendStatus,
    TeachingAssignment,
)
from schoolwindow.schools.models import Group, GroupKind, School, YearGroup
from schoolwindow.schools.selectors import groups_visible

PAGE_SIZE = 50

# The vulnerable groups a pupil list can be narrowed to.
FLAG_FILTERS: dict[str, Q] = {
    "disadvantaged": Q(disadvantaged=True) | Q(pupil_premium=True),
    "send": ~Q(send_status=SendStatus.NONE),
    "eal": Q(eal=True),
    "young_carer": Q(young_carer=True),
    "looked_after": Q(looked_after=True),
}
FLAG_LABELS = {
    "disadvantaged": _("Disadvantaged"),
    "send": _("SEND"),
    "eal": _("EAL"),
    "young_carer": _("Young carer"),
    "looked_after": _("Looked after"),
}


@dataclass(frozen=True)
class Tag:
    label: str
    alert: bool = False


def pupil_tags(pupil: Pupil) -> list[Tag]:
    """The categories staff should know at a glance. Never the DSL-only ones."""
    tags: list[Tag] = []
    if pupil.disadvantaged or pupil.pupil_premium:
        tags.append(Tag(str(_("Disadvantaged"))))
    if pupil.send_status == SendStatus.EHCP:
        tags.append(Tag(str(_("EHCP"))))
    elif pupil.send_status == SendStatus.SUPPORT:
        tags.append(Tag(str(_("SEN support"))))
    if pupil.eal:
        if pupil.home_language:
            language = language_name(pupil.home_language)
            tags.append(Tag(str(_("EAL: %(language)s") % {"language": language})))
        else:
            tags.append(Tag(str(_("EAL"))))
    if pupil.young_carer:
        tags.append(Tag(str(_("Young carer"))))
    if pupil.looked_after:
        tags.append(Tag(str(_("Looked after")), alert=True))
    return tags


# Languages spoken at home in UK schools that Django's own list does not name.
MORE_LANGUAGES = {
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "tw": _("Twi"),
    "yo": _("Yoruba"),
    "gu": _("Gujarati"),
    "ps": _("Pashto"),
    "ku": _("Kurdish"),
    "am": _("Amharic"),
    "ha": _("Hausa"),
}


def language_name(code: str) -> str:
    """'pl' → 'Polish' (in the reader's language); unknown codes and free text stay as they are."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        more = MORE_LANGUAGES.get(code.lower().split("-")[0])
        return str(more) if more is not None else code


def pupils_visible(*, actor: Actor) -> QuerySet[Pupil]:
    """Every pupil the actor may see. A subquery, so joins in the scope never duplicate rows."""
    return Pupil.objects.filter(pk__in=policy_for(Pupil).visible(actor).values("pk"))


def staff_actor(actor: Actor) -> Actor:
    """The same person with their parent and pupil links set aside: what they see at work."""
    return dataclasses.replace(actor, guardian_id=None, pupil_id=None)


def can_list_pupils(actor: Actor) -> bool:
    """Staff, and trust officers granted pupil access, may search pupils. Families may not."""
    return actor.is_staff_member or bool(actor.trust_pupil_access)


def registration_prefetch() -> Prefetch[str, QuerySet[Enrolment], str]:
    return Prefetch(
        "enrolments",
        queryset=Enrolment.objects.filter(active=True, group__kind=GroupKind.REGISTRATION)
        .select_related("group")
        .order_by("group__name"),
        to_attr="registration_enrolments",
    )


def open_guardian_links_prefetch() -> Prefetch[str, QuerySet[GuardianLink], str]:
    """Guardian links that staff may use to reach a family, with the guardian's language only
    (what the class list shows of them); the reason is never loaded."""
    return Prefetch(
        "guardian_links",
        queryset=contactable_links()
        .select_related("guardian")
        .only("pupil_id", "guardian__preferred_language"),
        to_attr="open_links",
    )


# ---------------------------------------------------------------------------------------------
# The pupil list


def pupil_name_query(query: str) -> Q:
    """Every word must match part of a name, or the whole query a UPN."""
    words = query.split()
    if not words:
        return Q()
    by_name = Q()
    for word in words:
        by_name &= (
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_first_name__icontains=word)
            | Q(preferred_last_name__icontains=word)
        )
    return by_name | Q(upn__iexact=query.strip())


def pupil_list(
    *,
    actor: Actor,
    school_id: int | None = None,
    query: str = "",
    year: str = "",
    group_id: int | None = None,
    flags: tuple[str, ...] | list[str] = (),
    include_left: bool = False,
) -> QuerySet[Pupil]:
    pupils = pupils_visible(actor=actor)
    if not include_left:
        pupils = pupils.filter(status=PupilStatus.ACTIVE)
    if school_id is not None:
        pupils = pupils.filter(school_id=school_id)
    if year:
        pupils = pupils.filter(year_group__code=year)
    if group_id is not None:
        pupils = pupils.filter(
            pk__in=Enrolment.objects.filter(group_id=group_id, active=True).values("pupil_id")
        )
    for flag in flags:
        pupils = pupils.filter(FLAG_FILTERS[flag])
    if query.strip():
        pupils = pupils.filter(pupil_name_query(query))
    return (
        pupils.select_related("school", "year_group")
        .prefetch_related(registration_prefetch())
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


@dataclass(frozen=True)
class PupilListOptions:
    school_id: int | None  # the requested school, if the actor may use it
    schools: list[tuple[int, str]]
    years: list[tuple[str, str]]
    groups: list[tuple[int, str]]


def pupil_list_options(*, actor: Actor, school_id: int | None = None) -> PupilListOptions:
    """Choices for the pupil list filters: schools, year groups and classes the actor may use."""
    school_ids = set(actor.school_ids)
    schools = School.objects.filter(
        Q(pk__in=list(school_ids)) | Q(trust_id__in=list(actor.trust_pupil_access))
    ).order_by("name")
    school_choices = [(school.pk, school.name) for school in schools]
    in_schools = [pk for pk, _name in school_choices]
    if school_id not in in_schools:
        school_id = None
    if school_id is not None:
        in_schools = [school_id]
    seen: dict[str, str] = {}
    for code, name in (
        YearGroup.objects.filter(school_id__in=in_schools)
        .order_by("ordinal", "code")
        .values_list("code", "name")
    ):
        seen.setdefault(code, name)
    # Registration classes, plus any group the actor teaches: a secondary has hundreds of
    # teaching groups, which belong on the class list rather than in a drop-down.
    taught = Q(
        teaching_assignments__staff_id__in=list(actor.staff_ids.values()),
    )
    groups = (
        groups_visible(actor=actor)
        .filter(active=True, school_id__in=in_schools)
        .filter(
            Q(kind=GroupKind.REGISTRATION) | Q(pk__in=Group.objects.filter(taught).values("pk"))
        )
        .select_related("school")
        .order_by("school__name", "name")
    )
    many_schools = len(in_schools) > 1
    group_choices = [
        (group.pk, f"{group.name} ({group.school.name})" if many_schools else group.name)
        for group in groups
    ]
    return PupilListOptions(
        school_id=school_id, schools=school_choices, years=list(seen.items()), groups=group_choices
    )


def pupil_get(*, actor: Actor, pupil_id: int) -> Pupil:
    pupil = (
        pupils_visible(actor=actor)
        .select_related("school", "year_group", "household")
        .filter(pk=pupil_id)
        .first()
    )
    if pupil is None:
        raise NotFound
    return pupil


# ---------------------------------------------------------------------------------------------
# The pupil profile

ProfileMode = Literal["staff", "guardian", "self"]


@dataclass(frozen=True)
class GuardianEntry:
    """One parent or carer as the profile may show them. Contact fields empty when restricted."""

    guardian_id: int
    name: str
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool
    restricted: bool
    restriction_reason: str = ""  # filled for the DSL only
    email: str = ""
    phone: str = ""
    address: str = ""
    preferred_language: str = ""
    preferred_channel: str = ""
    has_account: bool = False
    can_invite: bool = False


@dataclass(frozen=True)
class GroupEntry:
    group: Group
    teachers: list[str]
    visible: bool


@dataclass(frozen=True)
class SiblingEntry:
    pupil_id: int
    name: str
    school_name: str
    year: str
    visible: bool


@dataclass
class PupilProfile:
    pupil: Pupil
    mode: ProfileMode
    tags: list[Tag] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)
    advocates: list[str] = field(default_factory=list)
    family: list[GuardianEntry] = field(default_factory=list)
    siblings: list[SiblingEntry] = field(default_factory=list)
    is_dsl: bool = False
    # The signed-in parent's own record, for the family version of the page.
    own_guardian: GuardianEntry | None = None

    @property
    def home_language_name(self) -> str:
        return language_name(self.pupil.home_language)


def guardian_entry(link: GuardianLink, *, with_reason: bool, can_invite: bool) -> GuardianEntry:
    guardian = link.guardian
    base = GuardianEntry(
        guardian_id=guardian.pk,
        name=guardian.display_name,
        relationship=str(link.get_relationship_display()),
        parental_responsibility=link.parental_responsibility,
        lives_with_pupil=link.lives_with_pupil,
        restricted=not may_contact(link),
    )
    if not may_contact(link):
        if with_reason:
            return dataclasses.replace(base, restriction_reason=link.restriction_reason)
        return base
    return dataclasses.replace(
        base,
        email=guardian.email,
        phone=guardian.phone,
        address=guardian.address,
        preferred_language=language_name(guardian.preferred_language),
        preferred_channel=str(guardian.get_preferred_channel_display()),
        has_account=guardian.user_id is not None,
        can_invite=can_invite and bool(guardian.email) and guardian.user_id is None,
    )


def profile_mode(actor: Actor, pupil: Pupil) -> ProfileMode:
    """Which version of the profile this actor gets for a pupil they may see."""
    works_here = actor.is_staff_member or bool(actor.trust_pupil_access)
    if works_here and not (actor.is_guardian or actor.is_pupil):
        return "staff"
    # Someone who is both staff and a parent: the staff version only if their work lets them.
    if works_here and pupils_visible(actor=staff_actor(actor)).filter(pk=pupil.pk).exists():
        return "staff"
    if actor.pupil_id == pupil.pk:
        return "self"
    return "guardian"


def pupil_groups(*, actor: Actor, pupil: Pupil) -> list[GroupEntry]:
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil, active=True, group__active=True)
        .select_related("group")
        .only("group__name", "group__kind", "group__subject")
        .order_by("group__kind", "group__name")
    )
    teachers: dict[int, list[str]] = {}
    teacher_staff: dict[int, set[int]] = {}
    for assignment in (
        TeachingAssignment.objects.filter(group_id__in=[e.group_id for e in enrolments])
        .select_related("staff")
        .only("group_id", "staff__title", "staff__first_name", "staff__last_name")
        .order_by("-primary", "staff__last_name")
    ):
        teachers.setdefault(assignment.group_id, []).append(assignment.staff.display_name)
        teacher_staff.setdefault(assignment.group_id, set()).add(assignment.staff_id)
    whole = (
        actor.can(SEE_WHOLE_SCHOOL, pupil.school_id)
        or pupil.school.trust_id in actor.trust_pupil_access
    )
    my_staff_id = (
        actor.staff_ids.get(pupil.school_id)
        if actor.can(SEE_OWN_CLASSES, pupil.school_id)
        else None
    )
    return [
        GroupEntry(
            group=e.group,
            teachers=teachers.get(e.group_id, []),
            visible=whole
            or (my_staff_id is not None and my_staff_id in teacher_staff.get(e.group_id, set())),
        )
        for e in enrolments
    ]


def pupil_siblings(*, actor: Actor, pupil: Pupil, guardian_ids: list[int]) -> list[SiblingEntry]:
    """Pupils of the same trust who share a home or a parent or carer with this one."""
    # Each way in starts from an index (the guardians' links, the household), so the query
    # reads a handful of rows rather than every pupil of the trust joined with their links.
    related = Q(pk__in=[])
    if guardian_ids:
        related |= Q(
            pk__in=GuardianLink.objects.filter(guardian_id__in=guardian_ids).values("pupil_id")
        )
    if pupil.household_id is not None:
        related |= Q(household_id=pupil.household_id)
    siblings = (
        Pupil.objects.filter(related, school__trust_id=pupil.school.trust_id)
        .filter(status=PupilStatus.ACTIVE)
        .exclude(pk=pupil.pk)
        .annotate(
            visible=Exists(Pupil.objects.filter(policy_for(Pupil).scope(actor), pk=OuterRef("pk")))
        )
        .select_related("school", "year_group")
        .only(
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
            "school__name",
            "year_group__name",
        )
        .order_by("date_of_birth", "legal_first_name")
    )
    return [
        SiblingEntry(
            pupil_id=sibling.pk,
            name=sibling.display_name,
            school_name=sibling.school.name,
            year=sibling.year_group.name if sibling.year_group else "",
            visible=sibling.visible,
        )
        for sibling in siblings
    ]


def pupil_profile_get(*, actor: Actor, pupil_id: int) -> PupilProfile:
    """The pupil profile in the version this actor may see; a fixed number of queries.

    Staff (and trust officers with pupil access) get the full record and the family, with
    restricted guardians reduced to a name and "do not contact"; the DSL also sees why. Parents
    get their own child's basics and their own contact details only. Pupils get their own basics.
    """
    pupil = pupil_get(actor=actor, pupil_id=pupil_id)
    mode = profile_mode(actor, pupil)
    if mode == "staff":
        return staff_profile(actor=actor, pupil=pupil)
    profile = PupilProfile(pupil=pupil, mode=mode)
    profile.groups = [
        dataclasses.replace(entry, visible=False)
        for entry in pupil_groups(actor=actor, pupil=pupil)
    ]
    if mode == "guardian" and actor.guardian_id is not None:
        own = (
            contactable_links(pupil=pupil, guardian_id=actor.guardian_id)
            .select_related("guardian")
            .first()
        )
        if own is not None:
            profile.own_guardian = guardian_entry(own, with_reason=False, can_invite=False)
    return profile


def staff_profile(*, actor: Actor, pupil: Pupil) -> PupilProfile:
    is_dsl = actor.is_dsl_at(pupil.school_id)
    links = GuardianLink.objects.filter(pupil=pupil).select_related("guardian")
    if not is_dsl:
        links = links.defer("restriction_reason")
    can_invite = actor.can(INVITE_PARENTS, pupil.school_id)
    links_list = list(links.order_by("contact_priority", "pk"))
    family = [
        guardian_entry(link, with_reason=is_dsl, can_invite=can_invite) for link in links_list
    ]
    advocates = [
        assignment.staff.display_name
        for assignment in AdvocateAssignment.objects.filter(pupil=pupil, ended__isnull=True)
        .select_related("staff")
        .only("staff__title", "staff__first_name", "staff__last_name")
        .order_by("started")
    ]
    # Siblings through a restricted guardian are left out: that link is the DSL's business.
    guardian_ids = [link.guardian_id for link in links_list if may_contact(link)]
    profile = PupilProfile(
        pupil=pupil,
        mode="staff",
        tags=pupil_tags(pupil),
        groups=pupil_groups(actor=actor, pupil=pupil),
        advocates=advocates,
        family=family,
        siblings=pupil_siblings(actor=actor, pupil=pupil, guardian_ids=guardian_ids),
        is_dsl=is_dsl,
    )
    audit_record(
        actor=actor,
        action="pupil.viewed",
        target=pupil,
        trust_id=pupil.school.trust_id,
    )
    restricted = [link.guardian_id for link in links_list if not may_contact(link)]
    if is_dsl and restricted:
        # One row per view, however many restrictions, so the page's query count stays fixed.
        audit_record(
            actor=actor,
            action="guardian.restriction_reason_viewed",
            target=pupil,
            trust_id=pupil.school.trust_id,
            detail={"guardian_ids": restricted},
        )
    return profile


# ---------------------------------------------------------------------------------------------
# The DSL's safeguarding page


@dataclass(frozen=True)
class SafeguardingView:
    pupil: Pupil
    status: SafeguardingStatus | None
    restrictions: list[GuardianEntry]


def pupil_safeguarding_get(*, actor: Actor, pupil_id: int) -> SafeguardingView:
    """Child-in-need / child-protection status and contact restrictions. DSL only, audited."""
    pupil = (
        Pupil.objects.select_related("school", "year_group")
        .filter(pk=pupil_id, school_id__in=actor.schools_where(SAFEGUARDING))
        .first()
    )
    if pupil is None:
        raise NotFound
    status = SafeguardingStatus.objects.filter(pupil=pupil).first()
    restrictions = [
        dataclasses.replace(
            guardian_entry(link, with_reason=True, can_invite=False),
            # The DSL may need to recognise this person's number or email.
            email=link.guardian.email,
            phone=link.guardian.phone,
        )
        for link in restricted_links(pupil=pupil)
        .select_related("guardian")
        .order_by("contact_priority", "pk")
    ]
    audit_record(
        actor=actor,
        action="safeguarding.viewed",
        target=pupil,
        trust_id=pupil.school.trust_id,
    )
    return SafeguardingView(pupil=pupil, status=status, restrictions=restrictions)


# ---------------------------------------------------------------------------------------------
# Parents


def guardian_get_for_invitation(*, actor: Actor, guardian_id: int) -> Guardian:
    """A guardian of a pupil at a school where the actor may send invitations; else 404."""
    schools = actor.schools_where(INVITE_PARENTS)
    guardian = Guardian.objects.filter(
        pk=guardian_id,
        pk__in=GuardianLink.objects.filter(school_id__in=schools).values("guardian_id"),
    ).first()
    if guardian is None:
        raise NotFound
    return guardian


@dataclass(frozen=True)
class ChildSummary:
    pupil: Pupil
    relationship: str
    classes: list[str]


def guardian_children_list(*, actor: Actor) -> list[ChildSummary]:
    """The signed-in parent's children, in every school of the trust."""
    if actor.guardian_id is None:
        return []
    links = (
        contactable_links(guardian_id=actor.guardian_id, pupil__status=PupilStatus.ACTIVE)
        .select_related("pupil", "pupil__school", "pupil__year_group")
        .prefetch_related(
            Prefetch(
                "pupil__enrolments",
                queryset=Enrolment.objects.filter(active=True, group__kind=GroupKind.REGISTRATION)
                .select_related("group")
                .order_by("group__name"),
                to_attr="registration_enrolments",
            )
        )
        .order_by("pupil__date_of_birth", "pupil__legal_first_name", "pk")
    )
    return [
        ChildSummary(
            pupil=link.pupil,
            relationship=str(link.get_relationship_display()),
            classes=[e.group.name for e in link.pupil.registration_enrolments],  # type: ignore[attr-defined]
        )
        for link in links
    ]
