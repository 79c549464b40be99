"""Two (or twelve) staff lending the same item at the same moment, each on their own database
connection: one loan, every other attempt one clear refusal. PostgreSQL only — the row lock
and the partial unique index do the work there; SQLite's single writer is covered by the
IntegrityError test in test_loans_services.py and by benchmarks/loans_race.py."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from schoolwindow.people.actors import actor_for
from schoolwindow.support.loans import services
from schoolwindow.support.loans.models import Item, ItemEvent, Loan
from tests.factories import PupilFactory, staff_member
from tests.pages.conftest import build_pages_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_lenders_get_one_loan_and_clear_refusals() -> None:
    world = build_pages_world()
    item = Item.objects.create(school=world.oakfield, asset_tag="RACE-1", kind="laptop")
    attempts = 12
    lenders = [actor_for(staff_member(world.oakfield, "office").user) for _ in range(attempts)]
    pupils = [PupilFactory(school=world.oakfield) for _ in range(attempts)]
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            services.loan_create(
                actor=lenders[n],
                item_id=item.pk,
                pupil_id=pupils[n].pk,
                due_on=timezone.localdate() + dt.timedelta(days=7),
                condition="good",
            )
            result = "lent"
        except services.AlreadyLent as refused:
            result = f"refused: {refused}"
        except Exception as error:  # anything else is a failure the test reports
            result = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("lent") == 1, outcomes
    refusals = [o for o in outcomes if o.startswith("refused")]
    assert len(refusals) == attempts - 1, outcomes
    assert all("This laptop was lent to" in r and "a moment ago." in r for r in refusals)
    assert Loan.objects.filter(item=item).count() == 1
    assert ItemEvent.objects.filter(item=item, kind="lent").count() == 1
    item.refresh_from_db()
    assert item.status == "on_loan"
