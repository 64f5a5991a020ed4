"""The pages of the reports app, at the top of the site (``liaison.urls`` includes them)."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path(
        "reports/<int:pk>/report.<str:fmt>",
        views.report_download,
        name="report-download",
    ),
    path("reports/<int:pk>/delete/", views.report_delete, name="report-delete"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership-detail"),
]
