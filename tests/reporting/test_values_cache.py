"""The values endpoint's answer cache: equal answers, no stale read after a publication, one entry per view."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from reporting import answers, selectors, services
from trajectories import services as case

from .helpers import D, person, trajectory

pytestmark = pytest.mark.django_db
URL = "/api/v1/reporting/indicators/sd1.intake/values/"
YEARLY = {"period_type": "year", "by": "region"}
AS_OF = D(2024, 6, 30)


@pytest.fixture
def served(region_office, compute):
    """sd1.intake: 6 intakes in 2023 (shown to reporting), 3 in 2022 (suppressed for reporting)."""
    ant = region_office("ANT01")
    for i in range(6):
        trajectory(person(ant), D(2023, 3, 1 + i), outflow=D(2023, 3, 20))
    for i in range(3):
        trajectory(person(ant), D(2022, 3, 1 + i), outflow=D(2022, 4, 1))
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    return run


def intakes(client, **params) -> dict:
    r = client.get(URL, {**YEARLY, **params})
    assert r.status_code == 200, r.content
    return {row["period"]: row["numerator"] for row in r.json()["results"]}


def test_a_repeated_request_costs_only_the_authentication_query(
    reporting_client, served, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as computed:
        first = reporting_client.get(URL, YEARLY)
    assert len(computed.captured_queries) > 1
    with django_assert_num_queries(1):  # the key lookup
        again = reporting_client.get(URL, YEARLY)
    with django_assert_num_queries(1):
        not_modified = reporting_client.get(URL, YEARLY, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified["ETag"] == first["ETag"]
    assert again.status_code == 200
    assert again.content == first.content
    for header in ("ETag", "Content-Type", "Vary"):
        assert again[header] == first[header]


def test_the_cached_answer_equals_the_uncached_one(reporting_client, admin_client, served):
    for client in (reporting_client, admin_client):
        for params in (YEARLY, {"period_type": "quarter", "period_from": "2023-Q1"}, {**YEARLY, "format": "csv"}):
            computed = client.get(URL, params)  # the first of its kind: computed
            cached = client.get(URL, params)
            assert computed.status_code == cached.status_code == 200
            assert cached.content == computed.content
            assert (cached["ETag"], cached["Content-Type"]) == (computed["ETag"], computed["Content-Type"])
            assert cached.get("Content-Disposition") == computed.get("Content-Disposition")
            pinned = client.get(URL, {**params, "run": served.pk})  # never cached
            assert pinned.content == cached.content


def test_a_full_run_changes_the_answer_at_once(reporting_client, region_office, served, compute):
    first = reporting_client.get(URL, YEARLY)
    assert intakes(reporting_client) == {"2022": None, "2023": 6}
    ant = region_office("ANT01")
    for i in range(2):
        trajectory(person(ant), D(2022, 5, 1 + i), outflow=D(2022, 6, 1))
    rerun = compute(AS_OF)
    after = reporting_client.get(URL, YEARLY)
    assert after.json()["run"]["id"] == rerun.pk
    assert after["ETag"] != first["ETag"]
    assert intakes(reporting_client) == {"2022": 5, "2023": 6}
    assert reporting_client.get(URL, YEARLY, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_an_incremental_run_changes_the_answer_at_once(
    admin_client, region_office, served, django_capture_on_commit_callbacks
):
    assert intakes(admin_client) == {"2022": 3, "2023": 6}
    newcomer = person(region_office("ANT01"))
    case.trajectory_create(actor=admin_client.user, job_seeker=newcomer, type="integrated", started_on=D(2023, 5, 2))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.incremental_run_now()
    run.refresh_from_db()
    assert (run.kind, run.status) == ("incremental", "succeeded")
    assert intakes(admin_client) == {"2022": 3, "2023": 7}
    assert admin_client.get(URL, YEARLY).json()["run"]["id"] == run.pk


def test_a_run_that_publishes_nothing_keeps_the_cached_answer(
    reporting_client, served, compute, django_assert_num_queries
):
    reporting_client.get(URL, YEARLY)
    compute(AS_OF, publish=False)
    with django_assert_num_queries(1):
        assert reporting_client.get(URL, YEARLY).status_code == 200


def test_each_suppression_view_k_format_and_language_has_its_own_answer(
    reporting_client, admin_client, served, django_assert_max_num_queries
):
    assert intakes(reporting_client) == {"2022": None, "2023": 6}
    assert intakes(admin_client) == {"2022": 3, "2023": 6}
    with override_settings(IDW_SUPPRESSION_THRESHOLD=3):
        assert intakes(reporting_client) == {"2022": 3, "2023": 6}
    assert intakes(reporting_client) == {"2022": None, "2023": 6}
    csv = reporting_client.get(URL, {**YEARLY, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and csv.content.startswith(b"period,region,")
    assert reporting_client.get(URL, YEARLY)["Content-Type"] == "application/json"
    with django_assert_max_num_queries(20) as computed:
        assert reporting_client.get(URL, YEARLY, HTTP_ACCEPT_LANGUAGE="nl").status_code == 200
    assert len(computed.captured_queries) > 1  # not the English entry
    with django_assert_max_num_queries(1):
        assert reporting_client.get(URL, YEARLY, HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_bad_parameters_and_other_roles_are_refused_as_before(reporting_client, mediator, served):
    assert reporting_client.get(URL, YEARLY).status_code == 200  # cached
    r = reporting_client.get(URL, {**YEARLY, "by": "tool"})
    assert (r.status_code, r.json()) == (400, {"by": ["Not a supported dimension or pair of this indicator."]})
    r = reporting_client.get(URL, {**YEARLY, "period_from": "2023-Q1"})
    assert (r.status_code, r.json()) == (400, {"period_from": ["Not a year period."]})
    assert mediator.get(URL, YEARLY).status_code == 403
    reporting_client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert reporting_client.get(URL, YEARLY).status_code == 401


def test_an_answer_is_not_filed_under_a_generation_the_database_does_not_show(
    reporting_client, served, django_assert_max_num_queries
):
    # A reader that raced a publication, or read a lagging replica: its answer is served, never stored.
    cache.set(answers.GENERATION_KEY, "a publication this database does not show yet", 60)
    for _ in range(2):
        with django_assert_max_num_queries(20) as computed:
            assert reporting_client.get(URL, YEARLY).status_code == 200
        assert len(computed.captured_queries) > 1
    cache.set(answers.GENERATION_KEY, selectors.served_generation(), 60)
    reporting_client.get(URL, YEARLY)
    with django_assert_max_num_queries(1):
        reporting_client.get(URL, YEARLY)


def test_a_pinned_run_is_answered_uncached(reporting_client, served, django_assert_max_num_queries):
    params = {**YEARLY, "run": served.pk}
    first = reporting_client.get(URL, params)
    with django_assert_max_num_queries(20) as computed:
        again = reporting_client.get(URL, params)
    assert len(computed.captured_queries) > 1
    assert again.content == first.content
    assert reporting_client.get(URL, params, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_unreachable_cache_answers_uncached(reporting_client, served, monkeypatch):
    expected = reporting_client.get(URL, YEARLY).content

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("down")

    for operation in ("get_many", "add", "set"):
        monkeypatch.setattr(answers.cache, operation, unreachable)
    r = reporting_client.get(URL, YEARLY)
    assert (r.status_code, r.content) == (200, expected)


def test_nothing_published_is_404_and_stays_uncached(reporting_client, db):
    assert reporting_client.get(URL, YEARLY).status_code == 404
    assert reporting_client.get(URL, YEARLY).status_code == 404


def test_an_expired_generation_is_read_back_without_recomputing(reporting_client, served, django_assert_num_queries):
    first = reporting_client.get(URL, YEARLY)
    cache.delete(answers.GENERATION_KEY)  # expired: nothing was published since
    answers.forget_local()  # and this process's window has passed
    with django_assert_num_queries(2):  # the key lookup and the served generation
        again = reporting_client.get(URL, YEARLY)
    assert again.content == first.content
    with django_assert_num_queries(1):
        reporting_client.get(URL, YEARLY)


def test_another_process_publication_reaches_this_process_within_the_local_window(
    reporting_client, served, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    clock = [1000.0]
    monkeypatch.setattr(answers.time, "monotonic", lambda: clock[0])
    first = reporting_client.get(URL, YEARLY)
    # Another process publishes: the shared generation moves; this process has not heard of it.
    cache.set(answers.GENERATION_KEY, ("published elsewhere", 1), 60)
    clock[0] += answers.LOCAL_SECONDS / 2
    with django_assert_num_queries(1):  # inside the window: this process's answer, no cache read
        assert reporting_client.get(URL, YEARLY).content == first.content
    clock[0] += answers.LOCAL_SECONDS
    with django_assert_max_num_queries(20) as after:  # after it: the shared generation, no answer filed under it
        assert reporting_client.get(URL, YEARLY).status_code == 200
    assert len(after.captured_queries) > 1
