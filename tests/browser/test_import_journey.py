"""The office imports a pupils-and-guardians file from the browser and watches it finish."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from schoolwindow.people.models import Guardian, Pupil
from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "school_urn,upn,legal_first_name,legal_last_name,date_of_birth,year,registration_group,"
    "guardian1_first_name,guardian1_last_name,guardian1_relationship,guardian1_email"
)


def pupils_file(tmp_path: Path, urn: str, *, bad_date_on_line: int | None = None) -> Path:
    rows = [HEADER]
    for n in range(1, 31):
        born = "2014-03-01" if n + 1 != bad_date_on_line else "31/02/2014"
        rows.append(
            f"{urn},B{300000000000 + n},Pupil{n},Imported,{born},7,7HX,"
            f"Parent{n},Imported,Mother,parent{n}@example.org"
        )
    path = tmp_path / "pupils.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def upload(page: Page, path: Path) -> None:
    page.get_by_label("Pupils and guardians CSV").check()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Start the import").click()


def test_office_imports_pupils_with_a_progress_bar(
    page: Page,
    live_server,
    tmp_path: Path,
) -> None:
    world: World = build_world()
    sign_in(page, live_server.url, world, "office")
    page.goto(f"{live_server.url}/imports/")
    assert_accessible(page)
    upload(page, pupils_file(tmp_path, world.secondary.urn))
    progress = page.locator("#import-progress progress")
    expect(progress).to_have_attribute("value", "100", timeout=20_000)
    expect(page.get_by_role("table", name="What changed")).to_be_visible()
    assert_accessible(page)
    assert Pupil.objects.filter(legal_last_name="Imported").count() == 30
    assert Guardian.objects.filter(last_name="Imported").count() == 30


def test_a_bad_row_is_named_and_nothing_is_imported(
    page: Page,
    live_server,
    tmp_path: Path,
) -> None:
    world: World = build_world()
    sign_in(page, live_server.url, world, "office")
    page.goto(f"{live_server.url}/imports/")
    upload(page, pupils_file(tmp_path, world.secondary.urn, bad_date_on_line=17))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The file was not imported", timeout=20_000)
    expect(alert).to_contain_text("pupils.csv")
    expect(alert).to_contain_text("17")
    expect(alert).to_contain_text("date_of_birth")
    assert_accessible(page)
    assert not Pupil.objects.filter(legal_last_name="Imported").exists()
