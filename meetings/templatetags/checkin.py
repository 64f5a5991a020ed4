"""The QR code of an attendee's check-in link, for the confirmation page."""

from django import template

from meetings.attendance import check_in_url, qr_svg

register = template.Library()


@register.simple_tag(takes_context=True)
def check_in_qr(context, attendee) -> str:
    """An inline SVG QR code of the attendee's absolute check-in URL."""
    request = context["request"]
    return qr_svg(request.build_absolute_uri(check_in_url(attendee)))
