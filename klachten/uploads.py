"""Attachment checks: at most 10 MB, and PDF, JPG, PNG or DOCX as read from the content.

The name and the browser's content type are not trusted: the first bytes decide (the `filetype`
library reads the magic numbers, and for DOCX the parts inside the ZIP container).
"""

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Bestandstype:
    extensie: str
    mime: str


TOEGESTAAN = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TOEGESTAAN_TEKST = "PDF, JPG, PNG, DOCX"
# Enough bytes for the ZIP-based checks of DOCX.
KOP_BYTES = 8192


# What the dossier previews in the page (issue 19): PDF and raster images, and only when the
# content is of that type. Never SVG or HTML (they can carry script): those are downloads.
VOORBEELD_TYPEN = {
    "application/pdf": "pdf",
    "image/png": "afbeelding",
    "image/jpeg": "afbeelding",
    "image/gif": "afbeelding",
    "image/webp": "afbeelding",
}


def voorbeeldsoort(mime: str) -> str:
    """ "pdf", "afbeelding" or "" (no preview) for a content type."""
    return VOORBEELD_TYPEN.get(mime, "")


def voorbeeld_type(bestand) -> str | None:
    """The content type to serve an open file inline with, read from its first bytes; None when
    it is no type the dossier previews (VOORBEELD_TYPEN)."""
    bestand.seek(0)
    soort = filetype.guess(bestand.read(KOP_BYTES))
    bestand.seek(0)
    if soort is None or soort.mime not in VOORBEELD_TYPEN:
        return None
    return soort.mime


def leesbare_grootte(aantal_bytes: int) -> str:
    """10485760 -> "10 MB": whole megabytes without decimals, else Django's filesizeformat."""
    mb, rest = divmod(aantal_bytes, 1024 * 1024)
    return f"{mb} MB" if mb and not rest else filesizeformat(aantal_bytes)


def bijlage_type_bepalen(upload: UploadedFile) -> Bestandstype:
    """Check size and content of an upload; raise ValidationError with a message for the customer."""
    if upload.size > settings.BIJLAGE_MAX_BYTES:
        raise ValidationError(
            _("%(naam)s is te groot: een bestand mag ten hoogste %(max)s zijn.")
            % {"naam": upload.name, "max": leesbare_grootte(settings.BIJLAGE_MAX_BYTES)},
            code="te_groot",
        )
    upload.seek(0)
    kop = upload.read(KOP_BYTES)
    upload.seek(0)
    soort = filetype.guess(kop)
    if (soort is None or soort.extension == "zip") and kop.startswith(b"PK"):
        # A DOCX is a ZIP container: its parts may lie beyond the first bytes.
        soort = filetype.guess(upload.read())
        upload.seek(0)
    if soort is None or soort.extension not in TOEGESTAAN:
        raise ValidationError(
            _(
                "%(naam)s is geen toegestaan bestandstype. U kunt %(typen)s toevoegen; "
                "het type wordt bepaald aan de inhoud, niet aan de naam."
            )
            % {"naam": upload.name, "typen": TOEGESTAAN_TEKST},
            code="type",
        )
    return Bestandstype(extensie=soort.extension, mime=TOEGESTAAN[soort.extension])


def bijlagen_controleren(uploads: list[UploadedFile]) -> list[UploadedFile]:
    """Check a list of uploads: the number and each file; collect every error."""
    if len(uploads) > settings.BIJLAGEN_MAX_AANTAL:
        raise ValidationError(
            _("U kunt ten hoogste %(max)d bijlagen toevoegen.")
            % {"max": settings.BIJLAGEN_MAX_AANTAL},
            code="te_veel",
        )
    errors = []
    for upload in uploads:
        try:
            bijlage_type_bepalen(upload)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return uploads
