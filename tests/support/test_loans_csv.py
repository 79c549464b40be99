"""The inventory CSV: good files in any shape, bad rows named and nothing written, re-runs that
update and never duplicate, and an export that imports back unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schoolwindow.audit.models import AuditEvent
from schoolwindow.support.loans.csvio import InventoryError, inventory_export, inventory_import
from schoolwindow.support.loans.models import Item, ItemEvent
from tests.pages.conftest import World
from tests.support.conftest import item_add, lend, staff_actor

GOOD = (
    "\ufeffKind,Asset_Tag,Model,Serial,Condition,Status,Data plan,Expires_on,Notes,Shelf\r\n"
    "laptop,sw-0001,Lenovo 100e,PF1A,good,available,,,,A1\r\n"
    "SIM card,SIM-7,Three,,fair,,10 GB a month,2026-09-30,,B2\r\n"
    'Musical instrument,VIOLIN-1,Stentor 1/2,,good,in repair,,,"Bow, case",C\r\n'
)


def run(world: World, text: str, name: str = "kit.csv", **kwargs):
    return inventory_import(
        actor=staff_actor(world),
        school_id=world.oakfield.pk,
        stream=io.BytesIO(text.encode()),
        file_name=name,
        **kwargs,
    )


def test_a_good_file_with_bom_crlf_any_order_and_extra_columns(world: World) -> None:
    result = run(world, GOOD)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    sim = Item.objects.get(asset_tag="SIM-7")
    assert sim.kind == "sim" and sim.condition == "fair" and sim.data_plan == "10 GB a month"
    assert str(sim.expires_on) == "2026-09-30"
    assert Item.objects.get(asset_tag="SW-0001").model_name == "Lenovo 100e"
    assert Item.objects.get(asset_tag="VIOLIN-1").status == "in_repair"
    assert AuditEvent.objects.filter(action="loans.inventory_imported").count() == 1


def test_running_it_again_updates_and_never_duplicates(world: World) -> None:
    run(world, GOOD)
    again = run(world, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = run(world, GOOD.replace("Lenovo 100e", "Lenovo 300e"))
    assert (changed.created, changed.updated) == (0, 1)
    assert Item.objects.filter(school=world.oakfield).count() == 3
    assert Item.objects.get(asset_tag="SW-0001").model_name == "Lenovo 300e"


@pytest.mark.parametrize(
    ("line", "column", "bad_row"),
    [
        (3, "kind", "phone,PH-1,,,,,,,,"),
        (3, "condition", "laptop,PH-1,,,shiny,,,,,"),
        (3, "status", "laptop,PH-1,,,good,borrowed,,,,"),
        (3, "expires_on", "sim,PH-1,,,good,,,31/12/2026,,"),
        (3, "data_plan", "laptop,PH-1,,,good,,5GB,,,"),
        (3, "asset_tag", "laptop,,,,good,,,,,"),
        (3, "asset_tag", "laptop,sw-0001,,,good,,,,,"),
        (3, "status", "laptop,PH-1,,,good,on loan,,,,"),
    ],
)
def test_a_bad_row_names_file_line_and_column_and_writes_nothing(
    world: World, line: int, column: str, bad_row: str
) -> None:
    header, first = GOOD.splitlines()[:2]
    text = f"{header}\r\n{first}\r\n{bad_row}\r\n"
    with pytest.raises(InventoryError) as error:
        run(world, text, name="spring.csv")
    assert (error.value.file_name, error.value.line, error.value.column) == (
        "spring.csv",
        line,
        column,
    )
    assert str(error.value).startswith(f"spring.csv, line {line}, column {column}:")
    assert not Item.objects.exists()
    assert not ItemEvent.objects.exists()


def test_a_missing_required_column_is_named(world: World) -> None:
    with pytest.raises(InventoryError) as error:
        run(world, "asset_tag,model\nA-1,X\n")
    assert (error.value.line, error.value.column) == (1, "kind")


def test_an_item_out_on_loan_cannot_be_marked_lost_by_import(world: World) -> None:
    lend(world, item_add(world, "SW-0001"))
    with pytest.raises(InventoryError) as error:
        run(world, "asset_tag,kind,status\nSW-0001,laptop,lost\n")
    assert error.value.column == "status"
    assert Item.objects.get(asset_tag="SW-0001").status == "on_loan"


def test_a_check_only_run_saves_nothing(world: World) -> None:
    result = run(world, GOOD, dry_run=True)
    assert result.created == 3
    assert not Item.objects.exists()


def test_export_imports_back_unchanged(world: World) -> None:
    run(world, GOOD)
    lend(world, Item.objects.get(asset_tag="SW-0001"))
    out = io.StringIO()
    assert inventory_export(actor=staff_actor(world), school_id=world.oakfield.pk, out=out) == 3
    text = out.getvalue()
    assert text.splitlines()[0].startswith("asset_tag,kind,model")
    assert "SW-0001,laptop,Lenovo 100e,PF1A,good,on loan" in text
    again = run(world, text, name="export.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_the_commands_import_and_export(world: World, tmp_path: Path) -> None:
    path = tmp_path / "kit.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("loans_import", str(path), school=world.oakfield.urn, stdout=out)
    assert "3 new" in out.getvalue()
    call_command("loans_import", str(path), school=world.oakfield.urn, stdout=out)
    assert Item.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("asset_tag,kind\nX-1,spaceship\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.csv, line 2, column kind"):
        call_command("loans_import", str(bad), school=world.oakfield.urn)
    exported = tmp_path / "out.csv"
    call_command(
        "loans_export", school=world.oakfield.urn, output=str(exported), stderr=io.StringIO()
    )
    assert exported.read_text(encoding="utf-8").count("\n") == 4
