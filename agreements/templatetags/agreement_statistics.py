"""The figures by kind for a page that has only its agreements filter (the statistics page)."""

from django import template

from agreements.statistics import KindStatistics, kind_statistics

register = template.Library()


@register.simple_tag
def kind_statistics_of(agreements_filter) -> KindStatistics:
    """What each kind of the agreements ``agreements_filter`` selects has achieved, whatever
    kind the filter asks for: the page shows the kinds side by side. The filter's queryset is
    already permission-scoped (a member sees its own organisation's figures). Four queries."""
    data = agreements_filter.data.copy()
    data.pop("kind", None)
    without_kind = type(agreements_filter)(
        data, queryset=agreements_filter.queryset, request=agreements_filter.request
    )
    if not without_kind.is_valid():
        return kind_statistics(agreements_filter.queryset.none())
    return kind_statistics(without_kind.qs)
