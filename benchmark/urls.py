"""The application's URLs plus the baseline views (benchmark settings only)."""

from django.urls import path

from benchmark import views
from config.urls import urlpatterns as applicatie

urlpatterns = [
    path("basislijn/invoegen/", views.invoegen, name="basislijn-invoegen"),
    path("basislijn/lijst/", views.lijst, name="basislijn-lijst"),
    *applicatie,
]
