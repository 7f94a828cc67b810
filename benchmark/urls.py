"""The application's URLs plus the baseline views (benchmark settings only)."""

from django.urls import path

from benchmark import views
from config import urls as applicatie_urls

applicatie = applicatie_urls.urlpatterns
handler500 = applicatie_urls.handler500

urlpatterns = [
    path("basislijn/invoegen/", views.invoegen, name="basislijn-invoegen"),
    path("basislijn/lijst/", views.lijst, name="basislijn-lijst"),
    *applicatie,
]
