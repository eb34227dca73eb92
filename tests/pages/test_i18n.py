"""Language choice and the interface strings."""

from __future__ import annotations

import pytest
from ctc_kg.web.i18n import (
    LANGUAGES,
    Translator,
    choose_language,
    label_languages,
    string_keys,
    translations,
)


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("fr", "en", "fr"),
        ("FR-ca", None, "fr"),
        ("de", "fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        (None, "de, en;q=0.5, fr;q=0.4", "en"),
        (None, "de", "en"),
        (None, None, "en"),
        (None, "fr;q=0.2, en;q=0.3", "en"),
    ],
)
def test_language_is_query_then_accept_language_then_english(query, header, expected):
    assert choose_language(query, header) == expected


def test_every_interface_string_exists_in_every_language():
    for key in string_keys():
        assert set(translations(key)) == set(LANGUAGES), key
        assert all(translations(key).values()), key


def test_label_order_puts_the_page_language_first():
    assert label_languages("fr") == ("fr", "en")
    assert label_languages("en") == ("en", "fr")
    assert Translator("fr")("nav_home") == "Accueil"
