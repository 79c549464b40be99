"""Command-line entry points of messaging (called from schoolwindow/cli.py).

schoolwindow broadcast --school URN --audience all-guardians|year:NAME|group:NAME
                       --subject S --body B [--urgent] [--at ISO] [--as USERNAME]
schoolwindow messaging receive-email   < raw-message      (an MTA pipe)
schoolwindow messaging poll-imap --host H --user U --password-env VAR [--folder INBOX]
"""

from __future__ import annotations

import argparse
import contextlib
import imaplib
import os
import sys
from typing import Any

from schoolwindow.core.cli_args import moment_arg

EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the message and tries again later


def cli_actor(school_id: int, username: str | None) -> Any:
    """The member of staff named by --as; otherwise the system, acting for the school's leader.

    Without --as the announcement is from the school's first leader (replies reach a person)
    and the audit log records the system as the one who sent it.
    """
    from schoolwindow.core.models import User
    from schoolwindow.core.permissions import Actor
    from schoolwindow.people.actors import actor_for
    from schoolwindow.people.models import StaffRole

    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValueError(f"--as: no active user {username!r}")
        return actor_for(user)
    leader = (
        StaffRole.objects.filter(school_id=school_id, role="leader", staff__active=True)
        .order_by("staff_id")
        .values_list("staff_id", flat=True)
        .first()
    )
    if leader is None:
        raise ValueError("this school has no leader to send from; name one with --as USERNAME")
    return Actor(
        user=None,
        kind="system",
        school_roles={school_id: frozenset({"leader"})},
        staff_ids={school_id: leader},
        user_agent="schoolwindow broadcast",
    )


def audience_parse(school_id: int, value: str) -> dict[str, Any]:
    from schoolwindow.messaging.models import AudienceKind
    from schoolwindow.schools.models import Group, YearGroup

    kind, _sep, name = value.partition(":")
    if kind in ("all-guardians", "all", "school"):
        return {"audience": AudienceKind.SCHOOL}
    if kind == "year" and name:
        year = (
            YearGroup.objects.filter(school_id=school_id, name__iexact=name).first()
            or YearGroup.objects.filter(school_id=school_id, code__iexact=name).first()
        )
        if year is None:
            raise ValueError(f"--audience: no year group {name!r} at this school")
        return {"audience": AudienceKind.YEAR, "year_group_id": year.pk}
    if kind == "group" and name:
        group = (
            Group.objects.filter(school_id=school_id, name__iexact=name).first()
            or Group.objects.filter(school_id=school_id, code__iexact=name).first()
        )
        if group is None:
            raise ValueError(f"--audience: no class or group {name!r} at this school")
        return {"audience": AudienceKind.GROUP, "group_id": group.pk}
    raise ValueError("--audience: all-guardians, year:NAME or group:NAME")


def broadcast_from_cli(args: argparse.Namespace) -> int:
    from django.core.exceptions import PermissionDenied
    from django.db.models import Count

    from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
    from schoolwindow.messaging.models import Delivery
    from schoolwindow.schools.models import School

    school = School.objects.filter(urn=args.school).first()
    if school is None:
        print(f"--school: no school with URN {args.school}", file=sys.stderr)
        return 2
    try:
        actor = cli_actor(school.pk, args.as_user)
        audience = audience_parse(school.pk, args.audience)
        scheduled_for = moment_arg(args.at, "--at")
        broadcast = broadcast_create(
            actor=actor,
            school_id=school.pk,
            subject=args.subject,
            body=args.body,
            urgent=args.urgent,
            scheduled_for=scheduled_for,
            **audience,
        )
        copies = broadcast_queue(actor=actor, broadcast=broadcast)
    except PermissionDenied:
        print("That person may not send this announcement.", file=sys.stderr)
        return 2
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    by_channel = dict(
        Delivery.objects.filter(message__broadcast=broadcast)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    parts = ", ".join(f"{n} {channel}" for channel, n in sorted(by_channel.items()))
    when = f" for {scheduled_for.isoformat()}" if scheduled_for else ""
    print(
        f"Queued {copies} copies of “{broadcast.subject}” to families at {school.name}{when}"
        f" ({parts or 'nobody'}). `schoolwindow worker` sends them."
    )
    return 0


def receive_email_from_cli(args: argparse.Namespace) -> int:
    """Read one raw message from standard input, as an MTA's pipe delivers it."""
    from django.db import DatabaseError

    from schoolwindow.messaging.delivery.inbound import email_receive

    raw = sys.stdin.buffer.read()
    if not raw.strip():
        print("no message on standard input", file=sys.stderr)
        return 0
    try:
        inbound = email_receive(raw)
    except DatabaseError as error:
        print(f"database unavailable, try again later: {error}", file=sys.stderr)
        return EX_TEMPFAIL
    print(f"{inbound.outcome}: {inbound.detail or inbound.external_id}")
    return 0


def imap_poll(client: Any, folder: str) -> list[tuple[str, str]]:
    """Receive every unseen message in the folder; mark each seen once it is stored.

    A message that could not be stored (the database was down) stays unseen for the next poll.
    Returns (IMAP id, outcome) pairs.
    """
    from django.db import DatabaseError

    from schoolwindow.messaging.delivery.inbound import email_receive

    status, _data = client.select(folder)
    if status != "OK":
        raise RuntimeError(f"cannot open folder {folder!r}")
    status, data = client.search(None, "UNSEEN")
    results = []
    for number in (data[0] or b"").split():
        status, parts = client.fetch(number, "(BODY.PEEK[])")
        raw = next((part[1] for part in parts if isinstance(part, tuple) and len(part) > 1), None)
        if status != "OK" or not isinstance(raw, bytes):
            continue
        try:
            inbound = email_receive(raw)
        except DatabaseError:
            results.append((number.decode(), "deferred"))
            continue
        client.store(number, "+FLAGS", "\\Seen")
        results.append((number.decode(), str(inbound.outcome)))
    return results


def poll_imap_from_cli(args: argparse.Namespace) -> int:
    password = os.environ.get(args.password_env, "")
    if not password:
        print(f"--password-env: ${args.password_env} is empty", file=sys.stderr)
        return 2
    client_class = imaplib.IMAP4 if args.no_ssl else imaplib.IMAP4_SSL
    try:
        client = client_class(args.host, args.port or (143 if args.no_ssl else 993))
        client.login(args.user, password)
        try:
            results = imap_poll(client, args.folder)
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()
    except (imaplib.IMAP4.error, OSError, RuntimeError) as error:
        print(f"IMAP: {error}", file=sys.stderr)
        return EX_TEMPFAIL
    deferred = sum(1 for _n, outcome in results if outcome == "deferred")
    print(f"{len(results)} messages received from {args.folder}, {deferred} left for later")
    return EX_TEMPFAIL if deferred else 0


def add_messaging_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], run: Any
) -> None:
    broadcast = sub.add_parser("broadcast", help="queue an announcement to families")
    broadcast.add_argument("--school", metavar="URN", required=True)
    broadcast.add_argument(
        "--audience", required=True, help="all-guardians, year:NAME or group:NAME"
    )
    broadcast.add_argument("--subject", required=True)
    broadcast.add_argument("--body", required=True)
    broadcast.add_argument("--urgent", action="store_true", help="skip families' quiet hours")
    broadcast.add_argument("--at", metavar="ISO", help="send at this time, e.g. 2026-11-24T08:00")
    broadcast.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="send as this member of staff"
    )
    broadcast.set_defaults(func=run(broadcast_from_cli))

    messaging = sub.add_parser("messaging", help="replies and bounces coming back by email")
    messaging_sub = messaging.add_subparsers(dest="action", required=True)
    receive = messaging_sub.add_parser(
        "receive-email", help="read one raw email from standard input (an MTA pipe)"
    )
    receive.set_defaults(func=run(receive_email_from_cli))
    poll = messaging_sub.add_parser("poll-imap", help="receive unseen mail from an IMAP folder")
    poll.add_argument("--host", required=True)
    poll.add_argument("--port", type=int)
    poll.add_argument("--user", required=True)
    poll.add_argument(
        "--password-env",
        required=True,
        metavar="VAR",
        help="environment variable with the password",
    )
    poll.add_argument("--folder", default="INBOX")
    poll.add_argument("--no-ssl", action="store_true", help="plain IMAP on port 143")
    poll.set_defaults(func=run(poll_imap_from_cli))
