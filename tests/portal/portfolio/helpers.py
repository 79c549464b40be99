"""Rows and files for the portfolio's tests, in the portal's trust (tests/portal/conftest.py):
Ada (Oakfield, 7R, taught by the teacher) is Maria's daughter; Carol's daughter Cara is in 7S.
`classmate` adds Dan to 7R so the teacher can tag him."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpResponseBase
from PIL import Image

from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Pupil
from schoolwindow.portal.portfolio import services
from schoolwindow.portal.portfolio.models import ImageConsent, PortfolioPost
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import World, enrol

GPS_IFD = 0x8825


def jpeg_bytes(size: tuple[int, int] = (64, 48), *, gps: bool = False) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "PhonePhone"
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    Image.new("RGB", size, (200, 120, 40)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def photo(name: str = "cake.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), "image/jpeg")


def consent(pupil: Pupil, *, own: bool = True, others: bool = True) -> ImageConsent:
    found, _created = ImageConsent.objects.update_or_create(
        pupil=pupil,
        defaults={"school_id": pupil.school_id, "own_portfolio": own, "others_posts": others},
    )
    return found


def teacher_post(
    world: World, *, title: str = "Volcano model", with_photo: bool = False
) -> PortfolioPost:
    actor = actor_for(world.staff["teacher"].user)
    if with_photo:
        consent(world.ada)
    return services.post_create(
        actor=actor,
        pupil_id=world.ada.pk,
        side="staff",
        title=title,
        body="Ada built a volcano that erupts.",
        photos=[photo()] if with_photo else [],
    )


def pupil_post(world: World, *, title: str = "My poem") -> PortfolioPost:
    return services.post_create(
        actor=actor_for(world.ada.user), pupil_id=world.ada.pk, side="pupil", title=title
    )


def classmate(world: World, *, first: str = "Dan") -> Pupil:
    dan = PupilFactory(
        school=world.oakfield,
        legal_first_name=first,
        legal_last_name="Brown",
        year_group=world.year7,
    )
    enrol(dan, world.class_7r)
    guardian_of(dan, first_name="Dina", last_name="Brown", relationship="mother")
    return dan


def drained(response: HttpResponseBase) -> bytes:
    """A streamed file's bytes. Read to the end, the test client closes the response itself
    (without closing the database connection, as response.close() would)."""
    assert isinstance(response, FileResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]
