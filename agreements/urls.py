from django.urls import path

from agreements import views

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("statistics/", views.agreement_statistics_page, name="agreement-statistics"),
    path("<int:pk>/", views.agreement_detail, name="agreement-detail"),
]
