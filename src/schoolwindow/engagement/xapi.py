"""xAPI 1.0.3 statements in: check them, keep every one, and turn the ones we understand into
online-activity signals.

A learning platform is an XapiSource with its own key. Each statement is kept (XapiStatement)
by its id, so a platform that sends again — as platforms do after a time-out — creates
nothing new. A statement becomes an ActivityEvent when its verb is one we map
(VERB_KINDS) and its actor is a pupil of the source's school: an email (``mbox``) matching the
pupil's, or an ``account.name`` matching the pupil's UPN or roster id. The rest are stored
unmapped and counted (`xapi_statements_summary`), so a school can see what it is not using.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower

from schoolwindow.engagement.models import ActivityEvent, ActivityKind, XapiSource, XapiStatement
from schoolwindow.engagement.signals.reading import local_date
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import School

XAPI_VERSION = "1.0.3"
VERSION_RE = re.compile(r"^1\.0(\.\d+)?$")
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

LOGIN, LESSON = ActivityKind.LOGIN.value, ActivityKind.LESSON.value
LAUNCHED, COMPLETED = ActivityKind.LAUNCHED.value, ActivityKind.COMPLETED.value

# Verbs from the ADL vocabulary (adlnet.gov and w3id.org/xapi/adl), Activity Streams and the
# xAPI video profile that say a pupil was there and working. Verbs about moving around inside
# one activity (paused, seeked, skipped, terminated, …) add nothing to "is this pupil engaged
# today" and are stored unmapped.
VERB_KINDS: dict[str, str] = {
    "http://adlnet.gov/expapi/verbs/logged-in": LOGIN,
    "https://w3id.org/xapi/adl/verbs/logged-in": LOGIN,
    "http://adlnet.gov/expapi/verbs/attended": LESSON,
    "http://activitystrea.ms/join": LESSON,
    "http://adlnet.gov/expapi/verbs/launched": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/initialized": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/attempted": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/experienced": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/interacted": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/progressed": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/resumed": LAUNCHED,
    "http://activitystrea.ms/start": LAUNCHED,
    "http://activitystrea.ms/schema/1.0/start": LAUNCHED,
    "https://w3id.org/xapi/video/verbs/played": LAUNCHED,
    "http://adlnet.gov/expapi/verbs/completed": COMPLETED,
    "http://adlnet.gov/expapi/verbs/passed": COMPLETED,
    "http://adlnet.gov/expapi/verbs/failed": COMPLETED,
    "http://adlnet.gov/expapi/verbs/mastered": COMPLETED,
    "http://adlnet.gov/expapi/verbs/answered": COMPLETED,
    "http://adlnet.gov/expapi/verbs/scored": COMPLETED,
    "http://activitystrea.ms/submit": COMPLETED,
    "http://activitystrea.ms/schema/1.0/submit": COMPLETED,
    "https://w3id.org/xapi/dod-isd/verbs/submitted": COMPLETED,
    "https://w3id.org/xapi/video/verbs/completed": COMPLETED,
}

STATEMENT_PROPERTIES = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
# Left out when deciding whether a resent statement is the same one (xAPI 1.0.3, "Statement
# Comparison Requirements"): what the LRS itself sets or may have filled in.
NOT_COMPARED = ("authority", "stored", "timestamp", "version", "attachments")
AGENT_IDS = ("mbox", "mbox_sha1sum", "openid", "account")


def verb_kind(verb_id: str) -> str:
    """The ActivityKind a verb maps to, or "" when we do not use it."""
    return VERB_KINDS.get(verb_id, "")


# --- keys ------------------------------------------------------------------------------------


def secret_digest(secret: str) -> str:
    # The secret is 256 random bits, so a plain SHA-256 cannot be reversed or guessed; a slow
    # password hash would only add tens of milliseconds to every request a platform sends.
    return hashlib.sha256(secret.encode()).hexdigest()


def xapi_source_create(*, school: School, name: str) -> tuple[XapiSource, str]:
    """A new key for a learning platform: (source, secret). Only the secret's digest is kept."""
    secret = secrets.token_urlsafe(32)
    source = XapiSource.objects.create(
        school=school,
        name=name,
        key_id=f"xk{secrets.token_hex(12)}",
        secret_hash=secret_digest(secret),
    )
    return source, secret


def xapi_source_authenticate(authorization: str) -> XapiSource | None:
    """The active source whose HTTP Basic credentials these are, or None."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        key_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    source = XapiSource.objects.filter(key_id=key_id, active=True).first()
    if source is None or not hmac.compare_digest(source.secret_hash, secret_digest(secret)):
        return None
    return source


# --- checking --------------------------------------------------------------------------------


class StatementError(Exception):
    """What is wrong with a request's statements, in words for the platform's developer."""


class StatementConflict(StatementError):
    """A statement id that is already stored with different content (HTTP 409)."""


@dataclass(frozen=True)
class Actor:
    """Who did it: kind is mbox, mbox_sha1sum, account, openid or group."""

    kind: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"[:255]


@dataclass(frozen=True)
class Statement:
    id: uuid.UUID
    raw: dict[str, Any]
    verb: str
    actor: Actor
    timestamp: dt.datetime
    voids: uuid.UUID | None = None  # the statement a "voided" statement withdraws


def statements_from_body(body: bytes) -> list[dict[str, Any]]:
    """One statement object or an array of them, as JSON."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatementError(f"the body is not JSON: {exc}") from None
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and data:
        return data
    raise StatementError("the body must be a statement object or a non-empty array of them")


@dataclass(frozen=True)
class CheckedBatch:
    statements: list[Statement]  # each id once
    ids: list[uuid.UUID]  # one per statement received, in order (the reply)


def statements_check(items: list[Any], *, now: dt.datetime) -> CheckedBatch:
    """Every statement checked, numbered from 1 in messages; StatementError at the first fault.

    A statement sent twice in one batch is kept once; the same id with other content is a fault.
    """
    checked: list[Statement] = []
    ids: list[uuid.UUID] = []
    seen: dict[uuid.UUID, Statement] = {}
    for number, item in enumerate(items, start=1):
        statement = _check(item, number=number, now=now)
        ids.append(statement.id)
        first = seen.setdefault(statement.id, statement)
        if first is statement:
            checked.append(statement)
        elif not same_statement(first.raw, statement.raw):
            earlier = ids.index(statement.id) + 1
            raise StatementError(
                f"statement {number}: 'id' {statement.id} is also statement {earlier}'s, "
                "with different content"
            )
    return CheckedBatch(checked, ids)


def _check(item: Any, *, number: int, now: dt.datetime) -> Statement:
    where = f"statement {number}"
    if not isinstance(item, dict):
        raise StatementError(f"{where}: must be a JSON object")
    for name in item:
        if name not in STATEMENT_PROPERTIES:
            raise StatementError(f"{where}: '{name}' is not a statement property")
    _no_nulls(item, where, "")
    statement_id = _uuid(item["id"], where, "id") if "id" in item else uuid.uuid4()
    actor = _agent(_object(item, "actor", where), where, "actor")
    verb = _object(item, "verb", where)
    verb_id = _iri(verb, "id", where, "verb.")
    target = _object(item, "object", where)
    voids = _check_object(target, where, verb_id)
    for optional in ("result", "context"):
        if optional in item and not isinstance(item[optional], dict):
            raise StatementError(f"{where}: '{optional}' must be an object")
    version = item.get("version", XAPI_VERSION)
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise StatementError(f"{where}: 'version' {version!r} is not a 1.0.x version")
    timestamp = _timestamp(item["timestamp"], where) if "timestamp" in item else now
    raw = {**item, "id": str(statement_id)}
    return Statement(statement_id, raw, verb_id, actor, timestamp, voids)


def _no_nulls(value: Any, where: str, path: str) -> None:
    # xAPI forbids null property values; saying where saves a platform developer a search.
    if isinstance(value, dict):
        for name, inner in value.items():
            inner_path = f"{path}.{name}" if path else name
            if inner is None:
                raise StatementError(f"{where}: '{inner_path}' must not be null")
            _no_nulls(inner, where, inner_path)
    elif isinstance(value, list):
        for position, inner in enumerate(value):
            _no_nulls(inner, where, f"{path}[{position}]")


def _object(parent: dict[str, Any], name: str, where: str, prefix: str = "") -> dict[str, Any]:
    value = parent.get(name)
    if value is None:
        raise StatementError(f"{where}: '{prefix}{name}' is required")
    if not isinstance(value, dict):
        raise StatementError(f"{where}: '{prefix}{name}' must be an object")
    return value


def _iri(parent: dict[str, Any], name: str, where: str, prefix: str) -> str:
    value = parent.get(name)
    if value is None:
        raise StatementError(f"{where}: '{prefix}{name}' is required")
    if not isinstance(value, str) or not IRI_RE.match(value):
        raise StatementError(f"{where}: '{prefix}{name}' must be an IRI, like https://…")
    return value


def _uuid(value: Any, where: str, name: str) -> uuid.UUID:
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise StatementError(f"{where}: '{name}' must be a UUID")


def _timestamp(value: Any, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise StatementError(f"{where}: 'timestamp' must be an ISO 8601 date-time")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _agent(agent: dict[str, Any], where: str, path: str) -> Actor:
    kind = agent.get("objectType", "Agent")
    if kind not in ("Agent", "Group"):
        raise StatementError(f"{where}: '{path}.objectType' must be Agent or Group")
    found = [name for name in AGENT_IDS if name in agent]
    if kind == "Group" and not found:
        members = agent.get("member")
        if not isinstance(members, list) or not members:
            raise StatementError(f"{where}: '{path}' is a group with no identifier or members")
        for position, member in enumerate(members):
            if not isinstance(member, dict):
                raise StatementError(f"{where}: '{path}.member[{position}]' must be an object")
            _agent(member, where, f"{path}.member[{position}]")
        return Actor("group", "")
    if len(found) != 1:
        raise StatementError(
            f"{where}: '{path}' needs exactly one of mbox, mbox_sha1sum, openid, account"
        )
    identifier = _identifier(agent, found[0], where, path)
    return Actor("group", identifier.key) if kind == "Group" else identifier


def _identifier(agent: dict[str, Any], name: str, where: str, path: str) -> Actor:
    value = agent[name]
    if name == "account":
        if not isinstance(value, dict):
            raise StatementError(f"{where}: '{path}.account' must be an object")
        _iri(value, "homePage", where, f"{path}.account.")
        account = value.get("name")
        if not isinstance(account, str) or not account:
            raise StatementError(f"{where}: '{path}.account.name' is required")
        return Actor("account", account)
    if not isinstance(value, str):
        raise StatementError(f"{where}: '{path}.{name}' must be a string")
    if name == "mbox":
        if not value.lower().startswith("mailto:") or "@" not in value:
            raise StatementError(f"{where}: '{path}.mbox' must be a mailto: address")
        return Actor("mbox", value[7:].lower())
    return Actor(name, value.lower() if name == "mbox_sha1sum" else value)


def _check_object(target: dict[str, Any], where: str, verb_id: str) -> uuid.UUID | None:
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        _iri(target, "id", where, "object.")
    elif kind in ("Agent", "Group"):
        _agent(target, where, "object")
    elif kind == "StatementRef":
        referenced = _uuid(target.get("id"), where, "object.id")
        return referenced if verb_id == VOIDED else None
    elif kind == "SubStatement":
        _agent(_object(target, "actor", where, "object."), where, "object.actor")
        _iri(_object(target, "verb", where, "object."), "id", where, "object.verb.")
        _object(target, "object", where, "object.")
    else:
        raise StatementError(f"{where}: 'object.objectType' {kind!r} is not an xAPI object type")
    if verb_id == VOIDED:
        raise StatementError(f"{where}: a voiding statement's object must be a StatementRef")
    return None


def same_statement(first: dict[str, Any], second: dict[str, Any]) -> bool:
    def comparable(raw: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in raw.items() if name not in NOT_COMPARED}

    return comparable(first) == comparable(second)


# --- storing ---------------------------------------------------------------------------------


@transaction.atomic
def statements_store(*, source: XapiSource, statements: list[Statement]) -> None:
    """Keep the statements not already kept and their activity; StatementConflict, nothing
    written, if a kept id arrives with different content."""
    ids = [statement.id for statement in statements]
    stored = dict(
        XapiStatement.objects.filter(school_id=source.school_id, statement_id__in=ids).values_list(
            "statement_id", "raw"
        )
    )
    for number, statement in enumerate(statements, start=1):
        if statement.id in stored and not same_statement(stored[statement.id], statement.raw):
            raise StatementConflict(
                f"statement {number}: id {statement.id} is already stored with different content"
            )
    new = [statement for statement in statements if statement.id not in stored]
    pupils = PupilFinder(source.school_id, [statement.actor for statement in new])
    rows = [_statement_row(source, statement, pupils) for statement in new]
    XapiStatement.objects.bulk_create(rows, ignore_conflicts=True)
    ActivityEvent.objects.bulk_create(
        [_activity_row(source, row) for row in rows if row.mapped_kind], ignore_conflicts=True
    )
    _void(source.school_id, [s.voids for s in new if s.voids is not None])


def _statement_row(source: XapiSource, statement: Statement, pupils: PupilFinder) -> XapiStatement:
    pupil_id = pupils.pupil_id(statement.actor)
    kind = verb_kind(statement.verb)
    return XapiStatement(
        school_id=source.school_id,
        source=source,
        statement_id=statement.id,
        verb=statement.verb[:255],
        actor_key=statement.actor.key,
        pupil_id=pupil_id,
        timestamp=statement.timestamp,
        mapped_kind=kind if pupil_id is not None else "",
        raw=statement.raw,
    )


def _activity_row(source: XapiSource, row: XapiStatement) -> ActivityEvent:
    assert row.pupil_id is not None
    return ActivityEvent(
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        occurred_at=row.timestamp,
        date=local_date(row.timestamp),
        kind=row.mapped_kind,
        source=source.name[:64],
        external_id=str(row.statement_id),
    )


def _void(school_id: int, statement_ids: list[uuid.UUID]) -> None:
    """A voided statement's activity no longer counts (the statement itself stays kept)."""
    if statement_ids:
        ActivityEvent.objects.filter(
            school_id=school_id, external_id__in=[str(i) for i in statement_ids]
        ).delete()


class PupilFinder:
    """Pupils of one school for the actors of one request, found with a few queries."""

    def __init__(self, school_id: int, actors: Iterable[Actor]) -> None:
        wanted: dict[str, set[str]] = {}
        for actor in actors:
            wanted.setdefault(actor.kind, set()).add(actor.value)
        pupils = Pupil.objects.filter(school_id=school_id)
        self.by_email: dict[str, int] = {}
        self.by_account: dict[str, int] = {}
        self.by_sha1: dict[str, int] = {}
        if wanted.get("mbox"):
            self.by_email = dict(
                pupils.annotate(address=Lower("email"))
                .filter(address__in=wanted["mbox"])
                .values_list("address", "pk")
            )
        if wanted.get("account"):
            names = wanted["account"]
            upns = {name.upper() for name in names}
            for pk, upn in pupils.filter(upn__in=upns).values_list("pk", "upn"):
                self.by_account[upn.upper()] = pk
            for pk, source_id in pupils.filter(source_id__in=names).values_list("pk", "source_id"):
                self.by_account.setdefault(source_id, pk)
        if wanted.get("mbox_sha1sum"):
            # Only a hash of the address was sent: hash each pupil's address to compare.
            for pk, email in pupils.exclude(email="").values_list("pk", "email"):
                digest = hashlib.sha1(f"mailto:{email.lower()}".encode()).hexdigest()
                self.by_sha1[digest] = pk

    def pupil_id(self, actor: Actor) -> int | None:
        if actor.kind == "mbox":
            return self.by_email.get(actor.value)
        if actor.kind == "account":
            return self.by_account.get(actor.value.upper()) or self.by_account.get(actor.value)
        if actor.kind == "mbox_sha1sum":
            return self.by_sha1.get(actor.value)
        return None


def xapi_statements_remap(*, school_id: int) -> int:
    """Map kept statements whose actor was not yet a pupil (e.g. before a roster import).
    Returns how many became activity."""
    waiting = list(
        XapiStatement.objects.filter(
            school_id=school_id, mapped_kind="", verb__in=list(VERB_KINDS)
        ).select_related("source")
    )
    finder = PupilFinder(school_id, [_actor_from_key(row.actor_key) for row in waiting])
    mapped: list[XapiStatement] = []
    for row in waiting:
        pupil_id = finder.pupil_id(_actor_from_key(row.actor_key))
        if pupil_id is not None:
            row.pupil_id, row.mapped_kind = pupil_id, verb_kind(row.verb)
            mapped.append(row)
    with transaction.atomic():
        XapiStatement.objects.bulk_update(mapped, ["pupil", "mapped_kind"], batch_size=500)
        ActivityEvent.objects.bulk_create(
            [_activity_row(row.source, row) for row in mapped], ignore_conflicts=True
        )
    return len(mapped)


def _actor_from_key(key: str) -> Actor:
    kind, _, value = key.partition(":")
    return Actor(kind, value)


# --- what was received -------------------------------------------------------------------------


@dataclass
class XapiSummary:
    stored: int = 0
    unmapped: int = 0
    unknown_actor: int = 0  # a verb we use, from someone who is not a pupil of the school
    unused_verbs: Counter[str] = field(default_factory=Counter)

    def as_text(self) -> str:
        plural = "" if self.stored == 1 else "s"
        text = f"{self.stored:,} statement{plural} stored, {self.unmapped:,} not mapped"
        parts = []
        if self.unknown_actor:
            parts.append(f"{self.unknown_actor:,} from actors who are not pupils of the school")
        if self.unused_verbs:
            verbs = ", ".join(
                f"{verb.rsplit('/', 1)[-1]} x {n:,}" for verb, n in self.unused_verbs.most_common()
            )
            parts.append(f"{sum(self.unused_verbs.values()):,} with verbs not used: {verbs}")
        return text + (": " + "; ".join(parts) if parts else "") + "."


def xapi_statements_summary(*, school_id: int) -> XapiSummary:
    """How many statements a school has received, and why the unmapped ones are unmapped."""
    summary = XapiSummary()
    rows = (
        XapiStatement.objects.filter(school_id=school_id)
        .values("verb", "mapped_kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        summary.stored += row["n"]
        if row["mapped_kind"]:
            continue
        summary.unmapped += row["n"]
        if verb_kind(row["verb"]):
            summary.unknown_actor += row["n"]
        else:
            summary.unused_verbs[row["verb"]] += row["n"]
    return summary
