from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

# PostgreSQL's ICU collation sorts Thai by its dictionary rules (leading vowels ignored, as in
# the Royal Institute dictionary); SQLite has no Thai collation and sorts by code point.
THAI_COLLATION = "th-TH-x-icu"


def thai_order(field):
    """An order_by() expression that sorts a Thai name column in Thai order where the database can."""
    if connection.vendor == "postgresql":
        return Collate(F(field), THAI_COLLATION).asc()
    return F(field).asc()
