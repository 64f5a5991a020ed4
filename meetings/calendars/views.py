"""Calendar pages and feeds: a meeting's .ics, the partnership calendar, the personal and the
officials' subscription feeds behind a secret link, the subscription page, and the upload of
calendar replies."""

from __future__ import annotations

import time
from urllib.parse import quote, urlsplit, urlunsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from liaison import permissions
from liaison import services as liaison_services
from liaison.models import CalendarToken, Partnership
from liaison.pages import UNSET, call_or_flash
from liaison.site import absolute_url
from liaison.views import directory_reader_required
from meetings.calendars import feeds
from meetings.calendars import replies as calendar_replies
from meetings.models import Meeting


def _clock() -> float:
    return time.time()


def _last_modified(version: feeds.Version) -> int | None:
    """Last-Modified in whole seconds, once its second is over. Within it, another change
    could follow in the same second: a client comparing dates alone would then get a 304
    for a stale copy. So no date is given (nor compared) then, and the ETag decides."""
    seconds = int(version.last_modified.timestamp())
    return seconds if seconds < int(_clock()) else None


def _headers(response: HttpResponse, version: feeds.Version, *, filename: str, private: bool):
    response["ETag"] = version.etag
    last_modified = _last_modified(version)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, no-cache" if private else "no-cache"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


def conditional_feed(
    request, version: feeds.Version, build, *, filename: str, private: bool = True
) -> HttpResponse:
    """The feed as text/calendar with a strong ETag and Last-Modified, or 304 Not Modified
    (``If-None-Match`` wins over ``If-Modified-Since``) decided from the version alone, before
    anything is built; ``build(version)`` returns the (cached) feed.

    Never compressed here: Outlook mishandles gzipped feeds."""
    probe = _headers(HttpResponse(), version, filename=filename, private=private)
    answer = get_conditional_response(
        request,
        etag=version.etag,
        last_modified=_last_modified(version),
        response=probe,
    )
    if answer is not probe:
        return answer  # 304, or 412 for a failed If-Match
    feed = build(version)
    response = HttpResponse(feed.body, content_type="text/calendar; charset=utf-8")
    return _headers(response, version, filename=filename, private=private)


@require_safe
@directory_reader_required
def meeting_ics(request, pk: int):
    """One meeting to download (whoever can see the meeting). Its version is read first, the
    meeting next (the row the download is built from: never older than its version)."""
    version = feeds.meeting_version(pk)
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_related(), pk=pk)
    response = conditional_feed(
        request,
        version,
        lambda version: feeds.meeting_calendar(meeting, version, read=True),
        filename=f"meeting-{meeting.pk}.ics",
    )
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_safe
@directory_reader_required
def partnership_ics(request, pk: int):
    """Every published meeting of a partnership, with its mechanisms as series."""
    partnership = get_object_or_404(Partnership, pk=pk)
    return conditional_feed(
        request,
        feeds.partnership_version(partnership),
        lambda version: feeds.partnership_calendar(partnership, version),
        filename=f"partnership-{pk}.ics",
    )


def _token_user(key: str, *related: str):
    """The token with its user (and the user's ``related``), or 404: the key is the only
    credential (no session is looked at), and a regenerated key's old value matches nothing.

    Only what the feed reads is joined, and the key is unique (no ordering): on a 304 this
    query is most of the work."""
    try:
        token = CalendarToken.objects.select_related("user", *related).get(key=key)
    except CalendarToken.DoesNotExist:
        raise Http404 from None
    if not token.user.is_active:
        raise Http404
    return token


@require_safe
def personal_feed(request, key: str):
    # The feed shows the subscriber's own person (its answers, its address).
    token = _token_user(key, "user__person")
    if not permissions.can_read_directory(token.user):
        raise Http404
    return conditional_feed(
        request,
        feeds.personal_version(token),
        lambda version: feeds.personal_calendar(token, version),
        filename="my-meetings.ics",
    )


@require_safe
def officials_feed(request, key: str):
    token = _token_user(key)
    if not permissions.can_read_all(token.user):
        raise Http404
    return conditional_feed(
        request, feeds.officials_version(), feeds.officials_calendar, filename="all-meetings.ics"
    )


# --- The subscription page ---------------------------------------------------------------------


class ReminderForm(forms.Form):
    reminder_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Meeting reminder"),
        choices=[("", gettext_lazy("no reminder")), *CalendarToken.Reminder.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


def _webcal(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def subscription_links(request, url: str, name: str) -> dict:
    """The https URL, the webcal:// one (Apple Calendar, Outlook for Windows) and the
    one-click link of Outlook.com. No Google Calendar link: it cannot be reached from
    mainland China."""
    url = request.build_absolute_uri(url) if url.startswith("/") else url
    return {
        "url": url,
        "webcal": _webcal(url),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(url, safe="")
        + "&name="
        + quote(name, safe=""),
    }


@directory_reader_required
def calendar_subscription(request):
    """The member's calendar page: the secret feed URL, subscribe links, reminder switch."""
    token = liaison_services.calendar_token_for(request.user)
    personal = absolute_url(reverse("calendar-personal-feed", args=[token.key]))
    officials = (
        absolute_url(reverse("calendar-officials-feed", args=[token.key]))
        if permissions.can_read_all(request.user)
        else None
    )
    return render(
        request,
        "meetings/calendar_subscription.html",
        {
            "token": token,
            "personal": subscription_links(request, personal, _("My meetings")),
            "officials": subscription_links(request, officials, _("All meetings"))
            if officials
            else None,
            "partnerships": Partnership.objects.order_by("started_on", "name"),
            "reminder_form": ReminderForm(initial={"reminder_minutes": token.reminder_minutes}),
        },
    )


@require_POST
@directory_reader_required
def calendar_regenerate(request):
    liaison_services.regenerate_calendar_token(request.user, actor=request.user)
    messages.success(
        request, _("Your calendar link is renewed. The old link no longer works: subscribe again.")
    )
    return redirect("calendar-subscription")


@require_POST
@directory_reader_required
def calendar_reminder(request):
    form = ReminderForm(request.POST)
    if form.is_valid():
        saved = call_or_flash(
            request,
            liaison_services.set_calendar_reminder,
            request.user,
            minutes=form.cleaned_data["reminder_minutes"],
            actor=request.user,
        )
        if saved is not UNSET:
            messages.success(request, _("Your meeting reminder is saved."))
    else:
        messages.error(request, _("Choose one of the offered reminders."))
    return redirect("calendar-subscription")


# --- Calendar replies ----------------------------------------------------------------------------


class ReplyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Calendar reply"),
        help_text=gettext_lazy("The reply mail (.eml) or its calendar file (.ics)."),
    )


@login_required
def calendar_reply_upload(request):
    """The secretariat uploads a calendar reply (a mail or .ics) to record the answer in it."""
    if not permissions.can_manage_invitations(request.user):
        raise PermissionDenied
    form = ReplyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > calendar_replies.MAX_BYTES:
            form.add_error("file", _("The file is too large to be a calendar reply."))
        else:
            try:
                result = calendar_replies.import_reply(upload.read(), actor=request.user)
            except calendar_replies.ReplyRefused as error:
                form.add_error("file", " ".join(error.messages))
            else:
                invitation = result.invitation
                messages.success(
                    request,
                    _("Calendar reply recorded: %(invitee)s, %(meeting)s: %(answer)s.")
                    % {
                        "invitee": invitation.invitee,
                        "meeting": invitation.meeting.title,
                        "answer": invitation.get_status_display(),
                    },
                )
                return redirect("calendar-reply-upload")
    return render(request, "meetings/calendar_reply_upload.html", {"form": form})
