"""Staff roles, and the role sets named once by what they allow (capabilities).

A module never lists roles to decide who may do something: it asks the Actor whether it has a
capability at a school (`actor.can(MESSAGE_ANY_FAMILY, school_id)`). Changing who may do what
is an edit here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("School leader")
    PASTORAL = "pastoral", _("Pastoral lead")
    TEACHER = "teacher", _("Teacher")
    ADVOCATE = "advocate", _("Advocate")
    FLO = "flo", _("Family liaison officer")
    DSL = "dsl", _("Designated safeguarding lead")
    OFFICE = "office", _("Office")


@dataclass(frozen=True)
class Capability:
    """Something staff may do at a school, and the roles that may do it there."""

    name: str
    roles: frozenset[str]

    def __iter__(self) -> Iterator[str]:
        # Lets a capability stand where role names are listed: `role__in=list(CAPABILITY)`.
        return iter(sorted(self.roles))


def capability(name: str, *roles: str) -> Capability:
    return Capability(name=name, roles=frozenset(roles))


# Seeing pupils
SEE_WHOLE_SCHOOL = capability(
    "see every pupil of the school (never the DSL-only facts)",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.OFFICE,
    Role.FLO,
)
SEE_OWN_CLASSES = capability("see the pupils of the classes they teach", Role.TEACHER)
SEE_CASELOAD = capability("see the pupils they are advocate for", Role.ADVOCATE)
SAFEGUARDING = capability(
    "see safeguarding status, restriction reasons and the audit log", Role.DSL
)

# The early warning
WHOLE_SCHOOL_PASTORAL = capability(
    "see and triage every flag of the school", Role.PASTORAL, Role.LEADER, Role.DSL, Role.FLO
)
USE_WATCHLIST = capability(
    "use the watchlist (their own pupils' flags at least)",
    *WHOLE_SCHOOL_PASTORAL.roles,
    Role.ADVOCATE,
    Role.TEACHER,
)
WATCHLIST_IN_MENU = capability(
    "have the watchlist in their menu (teachers open it from their pupils)",
    *WHOLE_SCHOOL_PASTORAL.roles,
    Role.ADVOCATE,
)
MORNING_DIGEST = capability("get the morning digest of new and worsening flags", Role.PASTORAL)
CHANGE_EARLY_WARNING = capability(
    "change the early-warning rules and settings", Role.LEADER, Role.PASTORAL, Role.DSL
)

# Families
MESSAGE_ANY_FAMILY = capability(
    "write to any family of the school, and general messages",
    Role.LEADER,
    Role.PASTORAL,
    Role.OFFICE,
    Role.DSL,
    Role.FLO,
)
SEND_URGENT = capability(
    "mark a message urgent (it skips quiet hours)",
    Role.LEADER,
    Role.DSL,
    Role.PASTORAL,
    Role.OFFICE,
)
SEND_ANNOUNCEMENTS = capability(
    "send announcements to the whole school, a year or a group",
    Role.LEADER,
    Role.PASTORAL,
    Role.OFFICE,
    Role.DSL,
)
ANNOUNCE_TO_OWN_GROUPS = capability(
    "send announcements to the families of the groups they teach", Role.TEACHER
)
PRINT_LETTERS = capability(
    "print and post letters to families we can't reach",
    Role.LEADER,
    Role.PASTORAL,
    Role.OFFICE,
    Role.DSL,
    Role.FLO,
)
APPROVE_SUMMARIES = capability(
    "approve weekly summaries when the school has named no approver", Role.LEADER, Role.PASTORAL
)
CHANGE_MESSAGING_SETTINGS = capability(
    "change the school's messaging settings (quiet hours, fallback, approver)",
    Role.LEADER,
    Role.PASTORAL,
)
INVITE_PARENTS = capability(
    "invite parents and carers to their account",
    Role.OFFICE,
    Role.LEADER,
    Role.FLO,
    Role.PASTORAL,
    Role.DSL,
)

# Home learning (homelife): what a family's home set-up is, and asking them. Teachers and
# advocates see it for their own pupils only (the pupil policy scopes them); the office runs the
# survey's chasing but does not read the answers.
SEE_HOME_PROFILES = capability(
    "see pupils' home-learning profiles",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
    Role.TEACHER,
    Role.ADVOCATE,
)
RECORD_HOME_PROFILES = capability(
    "record what a family said about home learning (a phone call, a visit)",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
)
RUN_HOME_SURVEYS = capability(
    "open the home-learning survey, see who has answered and chase the rest",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
    Role.OFFICE,
)
CHANGE_HOMELIFE_SETTINGS = capability(
    "set when a home-learning profile counts as out of date", Role.LEADER, Role.PASTORAL
)

# Data in
IMPORT_ROSTERS = capability("import rosters and see import history", Role.OFFICE, Role.LEADER)

# Loans of kit (support/loans)
MANAGE_LOANS = capability(
    "lend kit to pupils, take it back and keep the loan inventory",
    Role.OFFICE,
    Role.LEADER,
    Role.PASTORAL,
    Role.FLO,
)
IMPORT_LOAN_INVENTORY = capability(
    "import and export the loan inventory, and edit the loan agreements", Role.OFFICE, Role.LEADER
)
OVERRIDE_LOAN_CHARGE = capability(
    "charge a disadvantaged family for damage to lent kit (audited, with a reason)", Role.LEADER
)

# The home page: which blocks start each person's morning (the blocks' own records are still
# scoped by the capabilities above and the policies).
HOME_TRIAGE = capability(
    "start the day with new and worsening flags, their own flags, contacts due and every "
    "family waiting for a reply",
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
)
HOME_MY_REPLIES = capability(
    "start the day with the families waiting for their own reply", Role.TEACHER, Role.ADVOCATE
)
HOME_CLASSES = capability(
    "start the day with their classes and the praise they have sent", Role.TEACHER
)
HOME_SCHOOL_GLANCE = capability(
    "start the day with the school at a glance: attendance, the watchlist, families we can't reach",
    Role.LEADER,
)
HOME_OFFICE = capability(
    "start the day with imports and letters waiting to be printed", Role.OFFICE
)

# Advocates for vulnerable learners (support/advocates)
MANAGE_ADVOCACY = capability(
    "see the register of vulnerable learners and advocates' coverage; designate pupils, assign "
    "and end advocates, set cadences and caseload limits",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
)
OVERRIDE_CASELOAD_LIMIT = capability(
    "give an advocate a pupil beyond their caseload limit", Role.LEADER
)
HOME_ADVOCACY = capability(
    "start the day with the pupils and families they advocate for whose contact is overdue",
    Role.ADVOCATE,
)
HOME_ADVOCACY_SCHOOL = capability(
    "start the day with every overdue advocate contact of the school", Role.PASTORAL
)
# Needs (support/needs): profile gaps turned into suggested help, and who is helped or waiting.
SEE_NEEDS = capability(
    "see the needs board and mark a pupil's need as met",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
)
CHANGE_NEED_RULES = capability(
    "switch the school's needs rules on and off", Role.LEADER, Role.PASTORAL
)
# Home visits (support/visits): planning, recording and who reads what was recorded. A
# safeguarding concern raised in a visit is read under SAFEGUARDING only.
PLAN_HOME_VISITS = capability(
    "plan, change and record home visits, and see every visit of the school",
    Role.FLO,
    Role.PASTORAL,
    Role.LEADER,
    Role.DSL,
)
SEE_CASELOAD_VISITS = capability(
    "see the home visits of the pupils they are advocate for", Role.ADVOCATE
)
# Study groups (support/studygroups): staff who form and lead a small group of pupils that
# check in each day. Those who see the whole school also see every group of it.
LEAD_STUDY_GROUPS = capability(
    "form and lead study groups, and see the check-ins of the groups they lead",
    Role.LEADER,
    Role.PASTORAL,
    Role.FLO,
    Role.TEACHER,
)
# Did it work? (support/outcomes): whether flagged pupils' engagement recovered after each kind
# of help, against flagged pupils who did not get it.
SEE_SUPPORT_OUTCOMES = capability(
    "see whether each kind of help worked across the school, and the pupils counted",
    Role.LEADER,
    Role.PASTORAL,
)
CHANGE_OUTCOME_SETTINGS = capability(
    "choose how many school days 'did it work?' looks at", Role.LEADER, Role.PASTORAL
)
SEE_PUPIL_OUTCOMES = capability(
    "see on a pupil's page whether the help the pupil got worked",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
    Role.ADVOCATE,
)
# Calls and referrals (support/actions) and the pupil's support timeline across every kind of
# help: staff who see pupils' pastoral side. Advocates only for their caseload (the pupil
# policy scopes them); teachers and the office do not see who was referred where.
SUPPORT_ACTIONS = capability(
    "see a pupil's support timeline, record calls and referrals, and link help to a flag",
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
    Role.FLO,
    Role.ADVOCATE,
)
# Care packages and food parcels (support/parcels): asking for one for a family, packing it,
# planning a volunteer driver's round and confirming delivery. The office often packs and
# plans; a family liaison officer or pastoral lead usually asks.
MANAGE_PARCELS = capability(
    "request, pack and cancel care packages and food parcels, plan delivery rounds and confirm "
    "delivery",
    Role.FLO,
    Role.PASTORAL,
    Role.OFFICE,
    Role.LEADER,
)
# Absences families report (portal/absence): the office takes them in and writes the register
# mark; leaders too; pastoral staff see them to know who is away and why, but do not mark.
SEE_ABSENCE_REPORTS = capability(
    "see the absences families report and the first-day calling list",
    Role.OFFICE,
    Role.LEADER,
    Role.PASTORAL,
)
CONFIRM_ABSENCES = capability(
    "confirm a reported absence and write its attendance marks",
    Role.OFFICE,
    Role.LEADER,
)
# Details families keep up to date (portal/details): the office checks and accepts or rejects a
# parent's proposed change to their contact details or a child's dietary and medical notes;
# leaders too. Leaders choose which staff are alerted to a new medical note.
DETAILS_REVIEW = capability(
    "see the details families proposed or confirmed, and accept or reject a proposed change",
    Role.OFFICE,
    Role.LEADER,
)
DETAILS_SETTINGS = capability(
    "choose how often families are asked to check their details and who hears of medical notes",
    Role.LEADER,
)
# A child's medical notes are health information: seen by the staff who look after the child's
# welfare and run the office records, not by every teacher (dietary notes are for everyone who
# may see the pupil, as a lunch or a trip needs them).
DETAILS_SEE_MEDICAL = capability(
    "see pupils' medical notes and be named to hear of new ones",
    Role.OFFICE,
    Role.LEADER,
    Role.PASTORAL,
    Role.DSL,
)
# Consent and trip forms (portal/consent): teachers who lead trips, the office, leaders and
# pastoral staff ask families and follow up; the office (and leaders) record an answer given
# on the phone and tick payments.
CONSENT_MANAGE = capability(
    "ask families for consent (trips and more), see every pupil's answer, send reminders and "
    "print the trip list",
    Role.LEADER,
    Role.OFFICE,
    Role.TEACHER,
    Role.PASTORAL,
)
CONSENT_RECORD = capability(
    "record consent a parent gave on the phone, and record payments",
    Role.OFFICE,
    Role.LEADER,
)
# Progress reports (portal/reports): teachers write their classes' reports; leaders write any,
# review, approve, publish a run and chase the families who have not had it.
REPORTS_WRITE = capability(
    "write progress reports for the pupils they may see", Role.TEACHER, Role.LEADER
)
REPORTS_MANAGE = capability(
    "set up report templates and runs, approve and publish reports, resend them to families",
    Role.LEADER,
)
# The portfolio (portal/portfolio): pupils' work as posts, with photos of children. Only staff
# who teach the child (the pupil policy scopes teachers to their classes) and the leaders who
# look after teaching see them; those who post also approve pupils' posts and hide comments;
# the office and leaders record a family's image consent without seeing the photos.
PORTFOLIO_SEE = capability(
    "see the portfolio posts and photos of the pupils they may see",
    Role.TEACHER,
    Role.LEADER,
    Role.PASTORAL,
)
PORTFOLIO_POST = capability(
    "post to pupils' portfolios, approve pupils' posts and hide comments",
    Role.TEACHER,
    Role.LEADER,
    Role.PASTORAL,
)
PORTFOLIO_CONSENT = capability(
    "record a family's image consent for the portfolio, and set whether home posts need approval",
    Role.OFFICE,
    Role.LEADER,
)
# Events and parents' evenings (portal/events): setting up school events and evenings, seeing
# families' replies, sending reminders and the list of families with no appointment.
EVENTS_MANAGE = capability(
    "set up school events and parents' evenings, see replies, remind families and see who has "
    "not booked",
    Role.LEADER,
    Role.OFFICE,
    Role.PASTORAL,
)
# Every member of staff may be in a parents' evening: they see their own appointments.
EVENTS_OWN_SCHEDULE = capability(
    "see their own parents'-evening appointments and their calendar feed",
    *Role.values,
)
