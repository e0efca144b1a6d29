"""Recording reads of persons' records, set-based: one INSERT statement per request.

`ReadAuditMixin` goes on a DRF view that shows persons: it collects the
objects a GET returns (`get_object`, and the page of a list) and, once the
response is a success, writes one row per person in one statement.
`read_audit_person` names the attribute that holds the job seeker's id;
`read_audit_referral` (for referrals, whose `person` may not be matched to a
job seeker yet) the one that holds the referral's id. A view that loads its
person by other means calls `self.read_audit_add(job_seeker_ids=[...])`.

`ReadAuditAdminMixin` does the same for a ModelAdmin of job seekers: the
change page (GET) and the rows of the change list page.
Reporting reads never come here: they show no person.
"""

import json
import uuid
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from .models import ReadAccess


def record_reads(*, user, channel: str, endpoint: str, job_seeker_ids: Iterable = (), referral_ids: Iterable = ()):
    """Write one ReadAccess row per person (and per referral), in one INSERT ... SELECT statement.

    A referral read names the referral and, where matched, its job seeker; pass
    `referral_ids` as (referral_id, job_seeker_id or None) pairs.
    """
    rows = [{"j": int(j), "r": None} for j in dict.fromkeys(i for i in job_seeker_ids if i is not None)]
    rows += [
        {"j": None if j is None else int(j), "r": uuid.UUID(str(r)).hex}
        for r, j in dict.fromkeys((r, j) for r, j in referral_ids)
    ]
    if not rows:
        return 0
    table = ReadAccess._meta.db_table
    user_id = getattr(user, "pk", None) if user is not None and user.is_authenticated else None
    params = [timezone.now(), user_id, channel, endpoint[:255], json.dumps(rows)]
    columns = "at, user_id, channel, endpoint, job_seeker_id, referral_id"
    if connection.vendor == "postgresql":
        sql = (
            f"INSERT INTO {table} ({columns}) "
            "SELECT %s, %s, %s, %s, r.j, r.r::uuid FROM jsonb_to_recordset(%s::jsonb) AS r(j bigint, r text) "
            # A GET's own transaction commits without waiting for the WAL flush (still in the same
            # statement): a read is not worth a disk sync; a crash may lose the last fraction of a second.
            "WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL"
        )
    else:
        sql = (
            f"INSERT INTO {table} ({columns}) "
            "SELECT %s, %s, %s, %s, json_extract(value, '$.j'), json_extract(value, '$.r') FROM json_each(%s)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(rows)


class ReadAuditMixin:
    """For DRF views that show persons; see the module docstring."""

    read_audit_person: str | None = "pk"
    read_audit_referral: str | None = None

    def _read_audit_collect(self, objects) -> None:
        if self.request.method not in ("GET", "HEAD"):
            return
        people = getattr(self, "_read_audit_people", None)
        if people is None:
            people = self._read_audit_people = ([], [])
        for obj in objects:
            person = getattr(obj, self.read_audit_person) if self.read_audit_person else None
            if self.read_audit_referral:
                people[1].append((getattr(obj, self.read_audit_referral), person))
            elif person is not None:
                people[0].append(person)

    def read_audit_add(self, *, job_seeker_ids=(), referral_ids=()) -> None:
        people = getattr(self, "_read_audit_people", None)
        if people is None:
            people = self._read_audit_people = ([], [])
        people[0].extend(job_seeker_ids)
        people[1].extend(referral_ids)

    def get_object(self):
        obj = super().get_object()
        self._read_audit_collect([obj])
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._read_audit_collect(page)
        return page

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        people = getattr(self, "_read_audit_people", None)
        if people and request.method in ("GET", "HEAD") and 200 <= response.status_code < 300:
            record_reads(
                user=request.user,
                channel=ReadAccess.Channel.API,
                endpoint=request.path,
                job_seeker_ids=people[0],
                referral_ids=people[1],
            )
            self._read_audit_people = None
        return response


class ReadAuditAdminMixin:
    """For the job seekers' ModelAdmin: the change page and the change list's rows are reads."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            try:
                person = int(object_id)
            except (TypeError, ValueError):
                person = None
            if person is not None:
                record_reads(
                    user=request.user,
                    channel=ReadAccess.Channel.ADMIN,
                    endpoint=request.path,
                    job_seeker_ids=[person],
                )
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is None or response.status_code != 200:
            return response

        def record(_rendered):
            # After rendering the page's rows are in the queryset's cache: no extra query.
            rows = changelist.result_list
            ids = [obj.pk for obj in rows] if getattr(rows, "_result_cache", None) is not None else None
            if ids is None:
                ids = list(rows.values_list("pk", flat=True))
            record_reads(user=request.user, channel=ReadAccess.Channel.ADMIN, endpoint=request.path, job_seeker_ids=ids)

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(record)
        return response
