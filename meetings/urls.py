from django.urls import path

from meetings import views
from meetings.calendars import views as calendar_views
from meetings.minutes import views as minutes_views

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/invitations/", views.meeting_invitations, name="meeting-invitations"),
    path("<int:pk>/invite/", views.meeting_invite, name="meeting-invite"),
    path("invitations/", views.my_invitations, name="my-invitations"),
    path("invitations/<int:pk>/", views.invitation_answer, name="invitation-answer"),
    path("rsvp/<str:token>/", views.invitation_link, name="invitation-link"),
    path("r/<str:code>/", views.invitation_short_link, name="invitation-short-link"),
    # Scheduling, agenda and attendance
    path(
        "schedule/mechanism/<int:pk>/",
        views.mechanism_schedule_next,
        name="mechanism-schedule-next",
    ),
    path("schedule/partnership/<int:pk>/", views.partnership_schedule, name="meeting-schedule"),
    path("<int:pk>/agenda/", views.meeting_agenda, name="meeting-agenda"),
    path("agenda/<int:pk>/change/", views.agenda_item_change, name="agenda-item-change"),
    path("agenda/<int:pk>/move/", views.agenda_item_move, name="agenda-item-move"),
    path("agenda/<int:pk>/remove/", views.agenda_item_remove, name="agenda-item-remove"),
    path("agenda/<int:pk>/materials/", views.agenda_material_upload, name="agenda-material-upload"),
    path("materials/<int:pk>/", views.agenda_material_download, name="agenda-material"),
    path("materials/<int:pk>/remove/", views.agenda_material_remove, name="agenda-material-remove"),
    path("<int:pk>/check-in/", views.meeting_check_in, name="meeting-check-in"),
    path("check-in/<uuid:code>/", views.attendee_check_in, name="attendee-check-in"),
    path("<int:pk>/attendees.xlsx", views.meeting_attendees_xlsx, name="meeting-attendees-xlsx"),
    # Lifecycle and mail
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/postpone/", views.meeting_postpone, name="meeting-postpone"),
    path("<int:pk>/reschedule/", views.meeting_reschedule, name="meeting-reschedule"),
    path("<int:pk>/close/", views.meeting_close, name="meeting-close"),
    path("<int:pk>/mail/", views.meeting_mail, name="meeting-mail"),
    path(
        "<int:pk>/mail/send-invitations/",
        views.meeting_send_invitations,
        name="meeting-send-invitations",
    ),
    path("<int:pk>/mail/resend/", views.meeting_resend, name="meeting-resend"),
    # Calendars
    path("<int:pk>/calendar.ics", calendar_views.meeting_ics, name="meeting-ics"),
    path(
        "calendar/partnership/<int:pk>.ics",
        calendar_views.partnership_ics,
        name="partnership-ics",
    ),
    path("calendar/", calendar_views.calendar_subscription, name="calendar-subscription"),
    path("calendar/renew/", calendar_views.calendar_regenerate, name="calendar-regenerate"),
    path("calendar/reminder/", calendar_views.calendar_reminder, name="calendar-reminder"),
    path("calendar/replies/", calendar_views.calendar_reply_upload, name="calendar-reply-upload"),
    path(
        "calendar/feed/<str:key>.ics", calendar_views.personal_feed, name="calendar-personal-feed"
    ),
    path(
        "calendar/officials/<str:key>.ics",
        calendar_views.officials_feed,
        name="calendar-officials-feed",
    ),
    # Minutes and decisions
    path("<int:pk>/minutes/", minutes_views.meeting_minutes, name="meeting-minutes"),
    path("minutes/<int:pk>/", minutes_views.minutes_version, name="minutes-version"),
    path("minutes/<int:pk>/edit/", minutes_views.minutes_version_edit, name="minutes-version-edit"),
    path("minutes/<int:pk>/diff/", minutes_views.minutes_version_diff, name="minutes-version-diff"),
    path("minutes/<int:pk>/pdf/", minutes_views.minutes_version_pdf, name="minutes-version-pdf"),
    path("minutes/<int:pk>/docx/", minutes_views.minutes_version_docx, name="minutes-version-docx"),
    path(
        "minutes/<int:pk>/<slug:action>/",
        minutes_views.minutes_version_action,
        name="minutes-version-action",
    ),
    path("decisions/", minutes_views.decision_list, name="decision-list"),
    path("decisions/<int:pk>/", minutes_views.decision_detail, name="decision-detail"),
]
