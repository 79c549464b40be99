"""Inbox and conversation pages under load: p95 latency with 20 concurrent clients.

    uv run python benchmarks/messaging_latency.py [--seconds 20] [--connections 20] [--workers 2]
                                                  [--conversations 400] [--database-url postgres://…]

Builds the demo trust in a fresh SQLite database (or PostgreSQL with --database-url), then has
the pastoral lead start `--conversations` more conversations with families (each: a message, the
family's reply, an answer), so the staff inbox runs to many pages. Starts `schoolwindow serve`
and drives, with wrk: the pastoral lead's inbox (every page), each of those conversations, and a
parent's inbox and conversations. Prints requests/s and latency percentiles per page kind, with
the data size. Reuses the wrk helpers of benchmarks/page_latency.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_latency import (
    add_load_options,
    bench_env,
    database_name,
    ensure_wrk,
    load_line,
    serving,
    wrk_report,
)

PREPARE = """
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from schoolwindow.people.actors import actor_for
from schoolwindow.messaging.conversations import services
from schoolwindow.messaging.models import Conversation, Delivery, Message
from schoolwindow.messaging.conversations.selectors import PAGE_SIZE
from schoolwindow.people.models import GuardianLink, StaffRole

wanted = int(sys.argv[1])

def session_for(user, device=True):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device:
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return session.session_key

role = StaffRole.objects.select_related("staff__user", "staff__school").get(
    role="pastoral", staff__user__username="pastoral@riverside.demo")
staff_user, school = role.staff.user, role.staff.school
actor = actor_for(staff_user)
links = list(GuardianLink.objects.filter(school=school, contact_restricted=False,
    guardian__user__isnull=False).select_related("guardian__user").order_by("pupil_id")[:wanted])
mine = []
for link in links:
    [conversation] = services.conversation_start(actor=actor, school_id=school.pk,
        pupil_id=link.pupil_id, guardian_ids=[link.guardian_id],
        subject="How is the week going?", body="Just checking in: how is home learning going?")
    parent = actor_for(link.guardian.user)
    first = Delivery.objects.filter(message__conversation=conversation).first()
    services.guardian_message_create(conversation=conversation, guardian_id=link.guardian_id,
        body="Thank you, it is going better this week.", actor=parent, replying_to=first)
    services.message_post(actor=actor, conversation=conversation,
        body="Lovely to hear. Shout if anything gets in the way.")
    mine.append(conversation.pk)
parent_user = links[0].guardian.user
theirs = list(Conversation.objects.filter(participants__guardian__user=parent_user)
    .values_list("pk", flat=True))
print(json.dumps({
    "staff_cookie": session_for(staff_user), "parent_cookie": session_for(parent_user, False),
    "staff_conversations": mine, "parent_conversations": theirs,
    "staff_pages": -(-Conversation.objects.filter(school=school).count() // PAGE_SIZE),
    "sizes": {"conversations": Conversation.objects.count(), "messages": Message.objects.count(),
              "copies": Delivery.objects.count()}}))
"""


def prepare(env: dict[str, str], conversations: int) -> dict[str, object]:
    subprocess.run(
        [sys.executable, "-m", "schoolwindow.cli", "demo", "--no-serve"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();" + PREPARE, str(conversations)],
        env={**env, "DJANGO_SETTINGS_MODULE": "schoolwindow.config.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_load_options(parser, port=8766)
    parser.add_argument("--conversations", type=int, default=400)
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = bench_env(workdir, args)
        data = prepare(env, args.conversations)
        staff_pages = int(str(data["staff_pages"]))
        staff_ids = cast(list[int], data["staff_conversations"])
        parent_ids = cast(list[int], data["parent_conversations"])
        staff, parent = str(data["staff_cookie"]), str(data["parent_cookie"])
        runs = [
            ("staff inbox", staff, [f"/messages/?page={n}" for n in range(1, staff_pages + 1)]),
            ("conversation", staff, [f"/messages/{pk}/" for pk in staff_ids]),
            ("parent inbox", parent, ["/messages/"]),
            ("parent conv.", parent, [f"/messages/{pk}/" for pk in parent_ids]),
        ]
        with serving(env, args) as base:
            print(f"data: {data['sizes']}; database: {database_name(args)}; {load_line(args)}")
            wrk_report(wrk, base, runs, args, workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
