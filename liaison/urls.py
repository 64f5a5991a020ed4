from django.contrib import admin
from django.urls import include, path

from liaison import views
from liaison.channels import views as channel_views
from liaison.health import HealthView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    # The home page, the partnership page, the dashboard and the reports.
    path("", include("reports.urls")),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("associations/<int:pk>/", views.association_detail, name="association-detail"),
    path("channels/", channel_views.channel_list, name="channel-list"),
    path("channels/add/", channel_views.channel_edit, name="channel-add"),
    path("channels/<int:pk>/", channel_views.channel_edit, name="channel-edit"),
    path("notices/", channel_views.notice_list, name="notice-list"),
    path("notices/<int:pk>/", channel_views.notice_open, name="notice-open"),
    path("meetings/", include("meetings.urls")),
    path("agreements/", include("agreements.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("liaison.api.urls")),
]
