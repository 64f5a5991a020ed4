from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/invitations/", views.meeting_invitations, name="meeting-invitations"),
    path("<int:pk>/invite/", views.meeting_invite, name="meeting-invite"),
    path("invitations/", views.my_invitations, name="my-invitations"),
    path("invitations/<int:pk>/", views.invitation_answer, name="invitation-answer"),
    path("rsvp/<str:token>/", views.invitation_link, name="invitation-link"),
]
