from django.contrib import admin
from django.urls import include, path

from liaison import report_views, views
from liaison.health import HealthView

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", HealthView.as_view(), name="health"),
    path("dashboard/", report_views.dashboard, name="dashboard"),
    path("reports/", report_views.report_list, name="report-list"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    path(
        "reports/<int:pk>/report.<str:fmt>",
        report_views.report_download,
        name="report-download",
    ),
    path("reports/<int:pk>/delete/", report_views.report_delete, name="report-delete"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership-detail"),
    path("associations/<int:pk>/", views.association_detail, name="association-detail"),
    path("meetings/", include("meetings.urls")),
    path("agreements/", include("agreements.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("liaison.api.urls")),
]
