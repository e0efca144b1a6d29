"""The programme team's dashboard (ui.md): server-rendered pages, reporting and admin only.

Every number comes through `reporting.selectors` with the caller's
suppression (`selectors.suppressed_for`), exactly as `/api/v1/reporting/`
serves it to the same user; the CSV and XLSX links are the API's own export
of the same query.
"""

from __future__ import annotations

import functools
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Role, role_of
from idw.pages import lang_code, page_language
from reporting import answers, selectors, services
from reporting.api.views import ValuesQuerySerializer
from reporting.catalogue import BY_CODE
from reporting.models import IndicatorRun, RunStatus

from . import labels, tables
from .charts import Series, line_chart

DASHBOARD_ROLES = frozenset({Role.REPORTING, Role.ADMIN})
OVERVIEW_YEARS = 4


def dashboard_page(view):
    """Login required (to /login/), then reporting or admin; every other role is 403."""

    @functools.wraps(view)
    @page_language
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("login") + "?" + urlencode({"next": request.get_full_path()}))
        if role_of(request.user) not in DASHBOARD_ROLES:
            return HttpResponseForbidden(_("The dashboard is for the programme team (reporting and admin)."))
        return view(request, *args, **kwargs)

    return wrapped


def _nl() -> bool:
    return get_language() != "en"


def _name(ind) -> str:
    return ind.name_nl if _nl() else ind.name_en


def _base_context(request, **extra) -> dict:
    query = request.GET.copy()
    query.pop("lang", None)
    run = services.served_run()
    return {
        "query_nolang": query.urlencode(),
        "lang": lang_code(request),
        "served": run,
        "is_admin": role_of(request.user) == Role.ADMIN,
        "labels": _labels(),
        **extra,
    }


def _labels() -> dict:
    return {
        "suppressed": _("suppressed"),
        "incomplete": _("period not complete"),
        "immature": _("cohort not mature"),
        "estimate": _("estimate"),
    }


def _figure(ind, results, *, title, fixed=None, named=(), small=False, x_label="") -> dict:
    always = ind.always
    if fixed is None:
        fixed = tables.always_key(results[0], always) if results else ()
    periods, series = tables.chart_series(results, always=always, fixed=fixed, named=list(named))
    names = labels.series_labels(results, list(named))
    for one in series:
        one.name = names.get(one.name, one.name)
    unit = {"percentage": "%", "days": _("days"), "count": _("number")}[ind.unit]
    svg = line_chart(
        periods,
        series,
        title=title,
        y_label=unit,
        x_label=x_label,
        estimate_label=_("estimate"),
        width=420 if small else 760,
        height=200 if small else 320,
        legend=not small or len(series) > 1,
    )
    table = tables.arrange(results, always=always, named=list(named))
    table.headers = [names.get(column, column) for column in table.columns]
    return {"svg": svg, "table": table, "always": always}


def _latest(results: list[dict]) -> dict | None:
    """The last period's first row: the overview's 'latest value'."""
    if not results:
        return None
    last = results[-1]["period"]
    return next(r for r in results if r["period"] == last)


# Pages --------------------------------------------------------------------------------


@dashboard_page
def overview(request):
    context = _base_context(request)
    # The objectives part depends only on what is served, the suppression view and the language:
    # rendered once per publication, as the values API caches its answers.
    key = answers.key_for(
        "dashboard-overview", _suppression_view(request), settings.IDW_SUPPRESSION_THRESHOLD, get_language()
    )
    rendered = answers.fetch(key, lambda: _objectives_answer(request, context))
    context["objectives_html"] = mark_safe(rendered.body.decode())  # noqa: S308 (rendered by our template)
    context["run"] = _run_in_view(request)
    return render(request, "dashboard/overview.html", context)


def _suppression_view(request) -> str:
    """What the caller's numbers depend on: an admin sees every cell, every other reader the suppressed ones."""
    return "full" if role_of(request.user) == Role.ADMIN else "suppressed"


def _objectives_answer(request, context) -> answers.Answer:
    try:
        objectives = selectors.objectives_for(user=request.user)
    except selectors.NotServed:
        objectives = []
    for objective in objectives:
        objective["name"] = objective["name_nl"] if _nl() else objective["name_en"]
        objective["monitoring"] = objective.get("monitoring_nl" if _nl() else "monitoring_en", [])
        for item in objective["indicators"]:
            ind = BY_CODE[item["code"]]
            item["name"] = _name(ind)
            item["figure"] = _figure(ind, item["rows"], title=_name(ind), small=True) if item["rows"] else None
            item["latest"] = _latest(item["rows"])
    html = render_to_string("dashboard/_objectives.html", {**context, "objectives": objectives}, request=request)
    return answers.Answer("", "text/html", html.encode())


def _run_in_view(request) -> IndicatorRun | None:
    """The run an admin started and follows (`?run=`), or the one in flight."""
    if role_of(request.user) != Role.ADMIN:
        return None
    run_id = request.GET.get("run", "")
    if run_id.isdigit():
        return IndicatorRun.objects.filter(pk=int(run_id)).first()
    return IndicatorRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).order_by("-pk").first()


@dashboard_page
def run_start(request):
    """Admin: request a full run (today, current lexicon, published), then follow it on the overview."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if role_of(request.user) != Role.ADMIN:
        return HttpResponseForbidden(_("Only the programme team's admin starts runs."))
    try:
        run, _created = services.indicator_run_request()
    except services.RunConflict as conflict:
        run = conflict.run
        messages.warning(request, _("Run %(id)s with other parameters is in flight.") % {"id": run.pk})
    return HttpResponseRedirect(
        reverse("dashboard:overview") + "?" + urlencode({"run": run.pk, "lang": lang_code(request)})
    )


@dashboard_page
def indicator(request, code: str):
    ind = BY_CODE.get(code)
    if ind is None:
        return render(request, "dashboard/not_found.html", _base_context(request), status=404)
    params = {k: request.GET.get(k, "") for k in ("period_type", "period_from", "period_to", "by")}
    params["period_type"] = params["period_type"] or "year"
    parsed = ValuesQuerySerializer(data={k: v for k, v in params.items() if v}, context={"indicator": ind})
    context = _base_context(
        request,
        ind=ind,
        name=_name(ind),
        method=ind.method_nl if _nl() else ind.method_en,
        params=params,
        period_types=[("year", _("year")), ("quarter", _("quarter")), ("month", _("month"))],
        dimensions=ind.by_dimensions,
    )
    if not parsed.is_valid():
        context["errors"] = parsed.errors
        return render(request, "dashboard/indicator.html", context, status=400)
    query: selectors.ValuesQuery = parsed.validated_data
    if len(query.named) > 1:
        context["errors"] = {"by": [_("One dimension.")]}
        return render(request, "dashboard/indicator.html", context, status=400)
    chosen = {dim: request.GET.get(dim, "") for dim in ind.always}
    # The chart and its table depend only on what is served, the query, the suppression view and
    # the language: rendered once per publication, as the overview's objectives are.
    key = answers.key_for(
        "dashboard-indicator", ind.code, sorted(params.items()), sorted(chosen.items()), _suppression_view(request),
        settings.IDW_SUPPRESSION_THRESHOLD, get_language(),
    )  # fmt: skip
    rendered = answers.fetch(key, lambda: _indicator_answer(request, ind, query, chosen, context))
    if not isinstance(rendered, answers.Answer):
        context["errors"] = {"period_from": [_("More than 50,000 rows: ask for a narrower range.")]}
        return render(request, "dashboard/indicator.html", context, status=400)
    shown = json.loads(rendered.body)
    export = {k: v for k, v in params.items() if v}
    api = reverse("indicator-values", kwargs={"code": ind.code})
    context.update(
        controls=shown["controls"],
        figure_html=mark_safe(shown["figure_html"]),  # noqa: S308 (rendered by our template)
        named=query.named,
        csv_url=api + "?" + urlencode({**export, "format": "csv"}),
        xlsx_url=api + "?" + urlencode({**export, "format": "xlsx"}),
        api_url=api + "?" + urlencode(export),
    )
    return render(request, "dashboard/indicator.html", context)


def _indicator_answer(request, ind, query, chosen: dict[str, str], context) -> answers.Answer | HttpResponse:
    """The indicator page's controls of the always-carried dimensions and its rendered figure."""
    try:
        _run, results = selectors.values_for(query, user=request.user)
    except selectors.NotServed:
        results = []
    except selectors.TooManyRows:
        return HttpResponse(status=400)  # not an Answer: never cached
    # The always-carried dimensions: one value of each is charted, every value is in the table.
    controls, fixed = [], []
    for dim in ind.always:
        values = []
        for r in results:
            if r["dimensions"][dim] not in values:
                values.append(r["dimensions"][dim])
        value = next((v for v in values if str(v) == chosen[dim]), values[0] if values else None)
        controls.append({"dim": dim, "values": values, "chosen": value})
        fixed.append(value)
    figure = _figure(ind, results, title=_name(ind), fixed=tuple(fixed), named=query.named)
    html = render_to_string(
        "dashboard/_indicator_figure.html", {**context, "controls": controls, "figure": figure}, request=request
    )
    return answers.Answer("", "application/json", json.dumps({"controls": controls, "figure_html": html}).encode())


@dashboard_page
def cohorts(request):
    """Outflow to work by months since intake, one line per intake year; status at 36 months."""
    ind = BY_CODE["sd1.outflow_to_work"]
    try:
        _run, results = selectors.values_for(selectors.ValuesQuery(ind, "year"), user=request.user)
    except selectors.NotServed:
        results = []
    horizons = sorted({r["dimensions"]["horizon_months"] for r in results})
    years = sorted({r["period"] for r in results})
    series, cells = [], []
    for year in years:
        rows = {r["dimensions"]["horizon_months"]: r for r in results if r["period"] == year}
        observed, estimated = [], []
        for h in horizons:
            r = rows.get(h)
            if r is None:
                observed.append(None)
                estimated.append(None)
                continue
            cell = tables.cell_of(r, str(h), ("horizon_months",))
            cells.append(cell)
            shown = None if r["suppressed"] else r["value"]
            observed.append(shown if r["mature"] else None)
            estimate = (r.get("stats") or {}).get("cumulative_incidence")
            estimated.append(None if r["mature"] or r["suppressed"] else estimate)
        series.append(Series(year, observed))
        if any(v is not None for v in estimated):
            series.append(Series(year, estimated, estimate=True))
    chart = line_chart(
        [str(h) for h in horizons],
        series,
        title=_name(ind),
        y_label="%",
        x_label=_("months since intake"),
        estimate_label=_("estimate, not mature"),
        width=760,
        height=340,
    )
    status_ind = BY_CODE["sd1.status_at_horizon"]
    try:
        _run, status_rows = selectors.values_for(
            selectors.ValuesQuery(status_ind, "year", named=("trajectory_type",)), user=request.user
        )
    except selectors.NotServed:
        status_rows = []
    status_rows = [r for r in status_rows if r["dimensions"]["horizon_months"] == 36]
    status_table = tables.arrange(status_rows, always=("horizon_months", "trajectory_type"), named=["outflow_reason"])
    status_names = labels.series_labels(status_rows, ["outflow_reason"])
    status_table.headers = [status_names.get(column, column) for column in status_table.columns]
    context = _base_context(
        request,
        ind=ind,
        name=_name(ind),
        after_outflow=[_after_outflow(BY_CODE[code], request) for code in AFTER_OUTFLOW],
        chart=chart,
        horizons=horizons,
        years=years,
        cells={(c.period, c.series): c for c in cells},
        grid=[
            (y, [next((c for c in cells if c.period == y and c.series == str(h)), None) for h in horizons])
            for y in years
        ],
        status_ind=status_ind,
        status_name=_name(status_ind),
        status_figure={"table": status_table, "always": ("horizon_months", "trajectory_type")},
    )
    return render(request, "dashboard/cohorts.html", context)


# Whether work lasts, and who comes back: by outflow year, one line per horizon.
AFTER_OUTFLOW = ("sd1.durable_work", "sd1.reentry")


def _after_outflow(ind, request) -> dict:
    """An after-outflow indicator by outflow year, one series per horizon (its always-carried dimension)."""
    try:
        _run, results = selectors.values_for(selectors.ValuesQuery(ind, "year"), user=request.user)
    except selectors.NotServed:
        results = []
    periods, series = tables.chart_series(results, always=(), fixed=(), named=["horizon_months"])
    for one in series:
        one.name = _("%(months)s months after the outflow") % {"months": one.name}
    svg = line_chart(periods, series, title=_name(ind), y_label="%", x_label=_("outflow year"), width=760, height=300)
    table = tables.arrange(results, always=(), named=["horizon_months"])
    table.headers = [_("%(months)s months") % {"months": h} for h in table.columns]
    for _period, _fixed, cells in table.rows:
        for cell in cells:
            if cell is not None:
                cell.extra = {"horizon_months": cell.series}  # ui.md: the always-carried dimension's hook
    return {"ind": ind, "name": _name(ind), "svg": svg, "table": table, "always": ()}


# More lines than this cannot be told apart; the table below the chart has every partner.
CHART_LINES = 8


def _most_referring(series: list) -> list:
    """The CHART_LINES series with the most referrals over the periods shown (suppressed points count as 0)."""
    return sorted(series, key=lambda one: -sum(v or 0 for v in one.points))[:CHART_LINES]


@dashboard_page
def partners(request):
    """Referrals received, accepted and registered per partner kind and partner, with the target and the rate."""
    received = BY_CODE["td4.1.referrals_received"]
    rate = BY_CODE["td4.1.referral_registration_rate"]
    sections = []
    for dim in ("partner_kind", "partner"):
        try:
            _run, counts = selectors.values_for(
                selectors.ValuesQuery(received, "year", named=(dim,)), user=request.user
            )
            _run, rates = selectors.values_for(selectors.ValuesQuery(rate, "year", named=(dim,)), user=request.user)
        except selectors.NotServed:
            counts, rates = [], []
        rate_of = {(r["period"], r["dimensions"][dim]): r for r in rates}
        names = labels.value_labels(dim, {r["dimensions"][dim] for r in counts})
        rows = []
        for r in counts:
            stats = r.get("stats") or {}
            key = (r["period"], r["dimensions"][dim])
            rows.append(
                {
                    "period": r["period"],
                    "value": r["dimensions"][dim],
                    "label": names[str(r["dimensions"][dim])],
                    "received": tables.cell_of(r, str(r["dimensions"][dim]), ()),
                    # A person count is never null but where it is suppressed; the target is null where none is set.
                    "counts": [(m, stats.get(m)) for m in ("accepted", "registered", "expired")],
                    "target": stats.get("target"),
                    "rate": tables.cell_of(rate_of[key], str(r["dimensions"][dim]), ()) if key in rate_of else None,
                }
            )
        periods, series = tables.chart_series(counts, always=(), fixed=(), named=[dim])
        shown = _most_referring(series)
        for one in shown:
            one.name = names.get(one.name, one.name)
        chart = line_chart(periods, shown, title=_name(received), y_label=_("number"), width=760, height=300)
        sections.append(
            {"dim": dim, "rows": rows, "chart": chart, "left_out": len(series) - len(shown), "total": len(series)}
        )
    context = _base_context(
        request, received=received, name=_name(received), sections=sections, chart_lines=CHART_LINES
    )
    return render(request, "dashboard/partners.html", context)
