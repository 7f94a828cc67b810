"""A customer who lost the status link finds "link kwijt" from every public page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_publieke_paginas_linken_naar_link_kwijt(client, label):
    link = reverse("klachten:link-kwijt")
    for url in (reverse("klachten:indienen"), reverse("klachten:ontvangen"), link):
        assert f'href="{link}"' in client.get(url).content.decode(), url
