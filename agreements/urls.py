from django.urls import path

from agreements import views

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("statistics/", views.agreement_statistics_page, name="agreement-statistics"),
    path("<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("<int:pk>/document/", views.agreement_document, name="agreement-document"),
    path(
        "<int:pk>/document/upload/",
        views.agreement_document_upload,
        name="agreement-document-upload",
    ),
    path("<int:pk>/status/", views.agreement_status_change, name="agreement-status-change"),
    path("<int:pk>/steps/<slug:step>/", views.agreement_step, name="agreement-step"),
    path("receipts/<int:pk>/", views.delivery_receipt, name="delivery-receipt"),
    path("<int:pk>/progress/", views.progress_report_submit, name="progress-report-submit"),
    path("reports/<int:pk>/review/", views.progress_report_review, name="progress-report-review"),
    path("attachments/<int:pk>/", views.progress_attachment, name="progress-attachment"),
    path("export/", views.agreement_export, name="agreement-export"),
    path("import/", views.agreement_import, name="agreement-import"),
    path("import/<int:pk>/", views.agreement_import_detail, name="agreement-import-detail"),
    path("import/<int:pk>/commit/", views.agreement_import_commit, name="agreement-import-commit"),
    path("import/template/", views.agreement_import_template, name="agreement-import-template"),
    path("progress/import/", views.progress_import_page, name="progress-import"),
    path(
        "progress/import/template/",
        views.progress_import_template,
        name="progress-import-template",
    ),
]
