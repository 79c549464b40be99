"""Imports from the web: upload, progress polling, and who may see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.connectors.models import ImportKind, ImportRun, ImportStatus
from schoolwindow.people.models import Pupil, Role
from tests.conftest import signed_in_client
from tests.connectors.conftest import FIXTURES, MALFORMED, ONEROSTER_11, copy_set, zip_set
from tests.factories import SchoolFactory, staff_member
from tests.world import ALL_ROLES, World, build_world

pytestmark = pytest.mark.django_db

ALLOWED = {Role.OFFICE, Role.LEADER}


@pytest.fixture
def world() -> World:
    return build_world()


def a_run(world: World, **fields: Any) -> ImportRun:
    values: dict[str, Any] = {
        "trust": world.trust,
        "school": world.secondary,
        "kind": ImportKind.ONEROSTER,
        "source_name": "export.zip",
        "status": ImportStatus.RUNNING,
        "rows_total": 200,
        "rows_done": 50,
        "stage": "checking users.csv",
    }
    return ImportRun.objects.create(**(values | fields))


def upload(
    client: Any, school_id: int, path: Path, kind: str = ImportKind.ONEROSTER, **extra: Any
) -> Any:
    with path.open("rb") as handle:
        return client.post(
            reverse("import_list"), {"school": school_id, "kind": kind, "file": handle, **extra}
        )


def test_it_runs_an_uploaded_zip_and_shows_the_summary(
    tmp_path: Path, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    school = SchoolFactory(urn="100002", name="Hillside Academy")
    office = staff_member(school, Role.OFFICE)
    client = signed_in_client(office.user)
    archive = zip_set(ONEROSTER_11, tmp_path / "export.zip")

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, school.pk, archive)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_detail", kwargs={"run_id": run.pk})
    assert (run.status, run.school, run.created_by, run.source_name) == (
        ImportStatus.DONE,
        school,
        office.user,
        "export.zip",
    )
    assert run.summary["counts"]["pupils"]["created"] == 2
    # Only this school's records: the office of Hillside cannot import Oakfield's pupils.
    assert set(Pupil.objects.values_list("school_id", flat=True)) == {school.pk}
    assert not Path(run.stored_path).exists()  # personal data is not kept once imported
    assert list(Path(settings.IMPORT_UPLOAD_DIR).iterdir()) == []

    fragment = client.get(reverse("import_progress", kwargs={"run_id": run.pk}))
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert 'value="100"' in html and "100 %" in html
    assert "hx-trigger" not in html  # finished: the page stops polling
    assert "What changed" in html and "Pupils" in html
    page = client.get(reverse("import_detail", kwargs={"run_id": run.pk}))
    assert "Import of export.zip" in page.content.decode()
    listing = client.get(reverse("import_list"))
    assert "export.zip" in listing.content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"import.queued", "import.finished"} <= actions


def test_a_check_only_run_saves_nothing(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    school = SchoolFactory(urn="100002")
    client = signed_in_client(staff_member(school, Role.LEADER).user)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, school.pk, zip_set(ONEROSTER_11, tmp_path / "x.zip"), dry_run="on")

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE and run.dry_run
    assert Pupil.objects.count() == 0
    html = client.get(reverse("import_progress", kwargs={"run_id": run.pk})).content.decode()
    assert "nothing was saved" in html


def test_a_bad_file_fails_with_its_line_and_field(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    school = SchoolFactory(urn="100002")
    client = signed_in_client(staff_member(school, Role.OFFICE).user)
    folder = copy_set(tmp_path, enrollments=MALFORMED / "enrollments-unknown-class.csv")

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, school.pk, zip_set(folder, tmp_path / "bad.zip"))

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert run.error.startswith("enrollments.csv:11: field 'classSourcedId'")
    assert Pupil.objects.count() == 0
    html = client.get(reverse("import_progress", kwargs={"run_id": run.pk})).content.decode()
    assert 'role="alert"' in html and "enrollments.csv:11" in html
    assert "hx-trigger" not in html


def test_a_pupils_csv_upload(tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    school = SchoolFactory(urn="100020")
    client = signed_in_client(staff_member(school, Role.OFFICE).user)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, school.pk, FIXTURES / "pupils.csv", kind=ImportKind.CSV)

    assert ImportRun.objects.get().status == ImportStatus.DONE
    assert Pupil.objects.filter(school=school).count() == 4


def test_the_wrong_kind_of_file_is_refused_by_the_form(world: World) -> None:
    client = signed_in_client(world.user_for(Role.OFFICE))

    response = upload(
        client, world.secondary.pk, FIXTURES / "pupils.csv", kind=ImportKind.ONEROSTER
    )

    assert response.status_code == 200
    assert "Choose a .zip file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_running_import_keeps_polling(world: World) -> None:
    run = a_run(world)
    client = signed_in_client(world.user_for(Role.OFFICE))

    html = client.get(reverse("import_progress", kwargs={"run_id": run.pk})).content.decode()

    assert 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html
    assert "Checking users.csv" in html


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", ["import_list", "import_detail", "import_progress"])
def test_only_office_and_leaders_may_use_imports(world: World, role: str, name: str) -> None:
    run = a_run(world)
    kwargs = {} if name == "import_list" else {"run_id": run.pk}

    response = signed_in_client(world.user_for(role)).get(reverse(name, kwargs=kwargs))

    assert response.status_code == (200 if role in ALLOWED else 403)


@pytest.mark.parametrize("name", ["import_list", "import_detail", "import_progress"])
def test_anonymous_visitors_are_sent_to_sign_in(world: World, client: Any, name: str) -> None:
    kwargs = {} if name == "import_list" else {"run_id": a_run(world).pk}

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_upload_is_refused(world: World, client: Any) -> None:
    response = upload(client, world.secondary.pk, FIXTURES / "pupils.csv", kind=ImportKind.CSV)

    assert response.status_code == 302
    assert not ImportRun.objects.exists()


def test_an_office_cannot_see_another_schools_runs(world: World) -> None:
    run = a_run(world)
    elsewhere = staff_member(world.primary, Role.OFFICE)
    client = signed_in_client(elsewhere.user)

    assert client.get(reverse("import_detail", kwargs={"run_id": run.pk})).status_code == 404
    assert client.get(reverse("import_progress", kwargs={"run_id": run.pk})).status_code == 404
    assert "export.zip" not in client.get(reverse("import_list")).content.decode()


def test_an_office_cannot_upload_for_another_school(world: World) -> None:
    elsewhere = staff_member(world.primary, Role.OFFICE)
    client = signed_in_client(elsewhere.user)

    response = upload(client, world.secondary.pk, FIXTURES / "pupils.csv", kind=ImportKind.CSV)

    assert response.status_code == 200  # the form offers only their own school
    assert not ImportRun.objects.exists()
