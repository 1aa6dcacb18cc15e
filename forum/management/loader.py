"""Rows straight into a model's table, for loading a large demo archive quickly.

Ids are given out here, so rows can refer to each other before any is
written. On PostgreSQL the rows go in with COPY: no model objects and no SQL to
build, which is what most of the time goes to with bulk_create. Elsewhere they
go through bulk_create. Fields a row leaves out take the model's default (the
current time for auto_now fields, an empty string for text, NULL where allowed).
"""

from types import SimpleNamespace

from django.db import connection
from django.db.models import CharField, Max, TextField
from django.utils import timezone

BLOCK = 10_000


class Loader:
    def __init__(self, model, batch_size=5_000):
        self.model = model
        self.table = model._meta.db_table
        self.fields = model._meta.concrete_fields
        self.columns = [field.column for field in self.fields]
        self.batch_size = batch_size
        self.rows = []
        self.written = 0
        self._next = self._end = 0
        now = timezone.now()
        self.defaults = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            elif field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
            elif isinstance(field, (CharField, TextField)):
                self.defaults[field.attname] = ""

    def next_id(self):
        if self._next == self._end:
            self._next, self._end = self._reserve(BLOCK)
        self._next += 1
        return self._next - 1

    def add(self, **values):
        """Queue one row; returns its id."""
        values.setdefault("id", self.next_id())
        row = {**self.defaults, **values}
        self.rows.append([row[field.attname] for field in self.fields])
        if len(self.rows) >= self.batch_size:
            self.flush()
        return values["id"]

    def row(self, **values):
        """Queue a row and keep it, defaults included, as an object with the model's names."""
        pk = self.add(**values)
        return SimpleNamespace(**{**self.defaults, **values, "id": pk, "pk": pk})

    def flush(self):
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy,
            ):
                for row in self.rows:
                    copy.write_row(row)
        else:
            names = [field.attname for field in self.fields]
            self.model.objects.bulk_create(
                [self.model(**dict(zip(names, row, strict=True))) for row in self.rows],
                batch_size=500,
            )
        self.written += len(self.rows)
        self.rows = []

    def _reserve(self, count):
        """A block of `count` unused ids: [first, end)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                    " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [self.table, self.table, count],
                )
                last = cursor.fetchone()[0]
            return last - count + 1, last + 1
        # SQLite: one writer here; ids past the largest are free.
        first = max(self._end, (self.model.objects.aggregate(top=Max("id"))["top"] or 0) + 1)
        return first, first + count
