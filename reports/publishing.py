"""Publishing a round's figures: the one service that makes numbers public, and its undo."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from collection.models import Round

from . import summary
from .models import Publication


@transaction.atomic
def publication_create(*, round: Round, user, note: str = "") -> Publication:
    """Publish the round's certified aggregates as they are now (a snapshot). Publishing again
    replaces the live publication; the earlier one is kept, withdrawn."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    if not summary.has_official_data(round):
        raise ValidationError("รอบนี้ยังไม่มีข้อมูลที่โรงเรียนรับรองแล้ว จึงยังเผยแพร่ไม่ได้")
    now = timezone.now()
    Publication.objects.live().filter(round=round).update(unpublished_at=now, unpublished_by=user)
    publication = Publication(
        round=round, published_at=now, published_by=user, note=note, snapshot=summary.public_snapshot(round)
    )
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def publication_withdraw(*, round: Round, user) -> int:
    """Take a round's figures off the public pages; the publication rows stay as history."""
    return Publication.objects.live().filter(round=round).update(unpublished_at=timezone.now(), unpublished_by=user)


def live_publication(round_id):
    return Publication.objects.live().select_related("round").filter(round_id=round_id).first()
