from django.contrib import admin
from django.urls import include, path

from liaison import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/ledger.pdf", views.ledger_report_pdf, name="ledger-report-pdf"),
    path("dashboard/ledger.xlsx", views.ledger_report_xlsx, name="ledger-report-xlsx"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership-detail"),
    path("meetings/", include("meetings.urls")),
    path("agreements/", include("agreements.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("liaison.api.urls")),
]
