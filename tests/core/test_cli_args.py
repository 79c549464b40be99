import datetime as dt

import pytest
from django.utils import timezone

from schoolwindow.core.cli_args import (
    CliArgumentError,
    date_arg,
    date_arg_or_today,
    date_arg_required,
    moment_arg,
)


def test_dates_are_read_or_missing():
    assert date_arg("2026-11-23", "--date") == dt.date(2026, 11, 23)
    assert date_arg("", "--date") is None
    assert date_arg(None, "--date") is None
    assert date_arg_or_today(None, "--date") == timezone.localdate()


def test_a_bad_or_missing_date_names_its_option():
    with pytest.raises(CliArgumentError, match=r"--from: '2026-02-30' is not a date like"):
        date_arg("2026-02-30", "--from")
    with pytest.raises(CliArgumentError, match=r"^--to YYYY-MM-DD is required for a school$"):
        date_arg_required(None, "--to", when="for a school")


def test_times_without_an_offset_are_in_the_site_zone():
    moment = moment_arg("2026-11-24T08:00", "--at")
    assert moment is not None
    assert timezone.is_aware(moment)
    assert timezone.localtime(moment).hour == 8
    assert moment_arg(None, "--at") is None
    with pytest.raises(CliArgumentError, match=r"--at: 'soon' is not a time like"):
        moment_arg("soon", "--at")
