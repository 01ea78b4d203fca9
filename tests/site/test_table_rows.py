"""The long tables' rows are written in Python (templating.measure_table_rows, templating.history_rows)
for speed: they must be exactly what the templates wrote, escaping included, for any row."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from perfsite.site.render import templating

# the templates' rows as they were before the rows moved into Python, kept here as the reference
# (since then: a missing figure says why in the status cell, and a measure where neither a higher
# nor a lower figure is better compares its figures in words)
DIRECTION = """{% macro dir(d, earlier, m) %}{% if d in ("higher", "lower", "unchanged") and m.polarity == "none" and earlier|fmt(m) != "—" %}<span class="ps-dir ps-dir--{{ d }}">{{ "Same as" if d == "unchanged" else ("Up" if d == "higher" else "Down") ~ " from" }} {{ earlier|fmt(m) }}</span> <span class="ps-dir-note">(neither higher nor lower is better)</span>{% else %}{{ d|direction }}{% endif %}{% endmacro %}"""
REPORT_ROW = (
    DIRECTION
    + """{% for r in rows %}
<tr><th scope="row"><a href="{{ root }}measures/{{ r.measure_id|lower }}/">{{ r.title }}</a>{% if r.period and r.period != quarter %} <span class="ps-period-note">({{ r.period|period_short }})</span>{% endif %}</th><td data-label="Outturn">{{ r.value|fmt(r) }}{% if r.revised_in is defined and r.revised_in is string %}<br><span class="ps-revised"><a href="{{ root }}data/revisions/">Revised</a>{% if r.revised_in %} to {{ r.revised_value|fmt(r) }} in {{ r.revised_in|release(r.revised_published_date) }}.{% else %}: corrected to {{ r.revised_value|fmt(r) }}, not yet public (it becomes public with the next publication).{% endif %}{% if r.revised_note %} {{ r.revised_note|sentence }}{% endif %}</span>{% endif %}</td><td data-label="Target">{{ r.target|fmt(r) }}</td><td data-label="Status">{{ r.status|status(r.status_source) }}{% if r.status_reason == "not_due" %}<span class="ps-period-note"> reported at year end{% if r.latest_year_period %}; latest figure {{ r.latest_year_value|fmt(r) }} in {{ r.latest_year_period|period_short }} ({{ r.latest_year_status }}){% endif %}</span>{% elif r.value is none %}<span class="ps-period-note"> no figure{% if r.missing_reason %}: {{ r.missing_reason }}{% endif %}</span>{% endif %}</td><td data-label="Since last period">{{ dir(r.direction_vs_previous, r.previous_value, r) }}</td><td data-label="Since last year">{{ dir(r.direction_vs_last_year, r.year_earlier_value, r) }}</td></tr>
{% endfor %}
"""
)
HISTORY_ROW = (
    DIRECTION
    + """{% for h in history|reverse %}
{% set d = detail.get(h.period, {}) %}
<tr><th scope="row">{{ h.period|period_short }}</th><td data-label="Outturn">{{ h.value|fmt(measure) }}{% if h.period in revised %}{% set r = revised[h.period] %}<br><span class="ps-revised"><a href="../../data/revisions/">Revised</a>: first published as {{ r.published_value|fmt(measure) }}{% if r.first_published_in %} in {{ r.first_published_in|release(r.first_published_date or "") }}{% endif %}{% if r.revised_in %}; corrected in {{ r.revised_in|release(r.revised_published_date) }}{% else %}; the correction is not yet public (it becomes public with the next publication){% endif %}</span>{% endif %}{% if h.value is none and d.missing_reason %}<br><span class="ps-period-note">{{ d.missing_reason }}</span>{% endif %}</td><td data-label="Target">{{ h.target|fmt(measure) }}</td><td data-label="Status">{{ h.status|status(h.status_source) }}</td><td data-label="Since last period">{{ dir(h.direction_vs_previous, h.previous_value, measure) }}</td><td data-label="Since last year">{{ dir(h.direction_vs_last_year, h.year_earlier_value, measure) }}</td></tr>
{% endfor %}
"""
)

QUARTERS = ["2025-26-Q1", "2025-26-Q2", "2024-25-Q4"]
hostile = st.lists(st.sampled_from([*"ab <>&\"'/é—", "<script>", "&amp;", "{{x}}"]), max_size=6).map("".join)
figures = st.one_of(
    st.none(), st.just(math.nan), st.floats(-1e6, 1e6, allow_nan=False), st.integers(-500, 500)
)
# the release a correction became public in ("": not yet, in a preview)
releases = st.sampled_from(["", "2025-26-Q2", "corrections-2027-01-20", "corrections-2027-01-20-2"])
statuses = st.sampled_from(["green", "amber", "red", "grey", None, "<b>"])
directions = st.sampled_from(
    ["improving", "worsening", "unchanged", "higher", "lower", "not_comparable", None]
)
units = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(["percent", "count", "currency", "days", "ratio"]),
        "decimal_places": st.integers(0, 2),
        "unit_label": st.one_of(st.none(), hostile),
        "polarity": st.sampled_from(["higher_is_better", "lower_is_better", "none"]),
    }
)


@st.composite
def report_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = draw(units)
        row.update(
            measure_id=draw(st.sampled_from(["M01", "m0002", "KPI<1>"])),
            title=draw(hostile),
            period=draw(st.sampled_from([None, *QUARTERS, "2024-25"])),
            value=draw(figures),
            target=draw(figures),
            status=draw(statuses),
            status_source=draw(st.sampled_from(["computed", "override"])),
            status_reason=draw(st.sampled_from(["not_due", "no_value", "computed", None])),
            latest_year_period=draw(st.sampled_from([None, "2023-24"])),
            latest_year_value=draw(figures),
            latest_year_status=draw(st.one_of(st.none(), hostile)),
            direction_vs_previous=draw(directions),
            direction_vs_last_year=draw(directions),
            previous_value=draw(figures),
            year_earlier_value=draw(figures),
            missing_reason=draw(st.one_of(st.none(), st.just(""), hostile)),
        )
        if draw(st.booleans()):  # a figure corrected since the report was published
            row.update(
                revised_value=draw(figures),
                revised_in=draw(releases),
                revised_published_date=draw(st.sampled_from(["2026-12-01", "2027-01-20"])),
                revised_note=draw(st.one_of(st.none(), st.just(""), hostile)),
            )
        rows.append(row)
    return rows


@given(report_rows(), st.sampled_from(QUARTERS), st.sampled_from(["../../", "../../../", "<x>/"]))
def test_report_rows_are_what_the_template_wrote(rows, quarter, root):
    env = templating.environment()
    expected = env.from_string(REPORT_ROW).render(rows=rows, quarter=quarter, root=root)
    assert templating.measure_table_rows(rows, quarter, root) == expected


@st.composite
def histories(draw):
    measure = draw(units)
    history, detail, revised = [], {}, {}
    for period in draw(st.lists(st.sampled_from(QUARTERS), unique=True, max_size=3)):
        history.append(
            {
                "period": period,
                "value": draw(figures),
                "target": draw(figures),
                "status": draw(statuses),
                "status_source": draw(st.sampled_from(["computed", "override"])),
                "direction_vs_previous": draw(directions),
                "direction_vs_last_year": draw(directions),
                "previous_value": draw(figures),
                "year_earlier_value": draw(figures),
            }
        )
        # every row the site shows has its outturn's details (a missing figure has its reason)
        detail[period] = {"missing_reason": draw(st.one_of(st.none(), st.just(""), hostile))}
        if draw(st.booleans()):
            revised[period] = {
                "published_value": draw(figures),
                "first_published_in": draw(st.sampled_from(["", *QUARTERS])),
                "first_published_date": draw(st.sampled_from(["", "2026-09-15", None])),
                "revised_in": draw(releases),
                "revised_published_date": draw(st.sampled_from(["", "2027-01-20"])),
            }
    return history, detail, revised, measure


@given(histories())
def test_history_rows_are_what_the_template_wrote(case):
    history, detail, revised, measure = case
    env = templating.environment()
    expected = env.from_string(HISTORY_ROW).render(
        history=history, detail=detail, revised=revised, measure=measure
    )
    assert templating.history_rows(history, detail, revised, measure) == expected
