"""French identifiers: SIREN and SIRET (Luhn key, La Poste's exception), RNA."""

import pytest
from django.core.exceptions import ValidationError

from quartiers.accounts.validators import luhn_ok, validate_rna, validate_siren, validate_siret
from tests.accounts.factories import siret, with_luhn_key

LA_POSTE_SIRET = "35600000049837"  # digit sum 45: a multiple of 5, although not Luhn-valid


def codes(validator, value) -> str:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.code


@pytest.mark.parametrize("value", ["732829320", "552 100 554", "356000000"])
def test_valid_siren(value):
    validate_siren(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("732829321", "siren_key"),
        ("73282932", "siren_format"),
        ("7328293200", "siren_format"),
        ("73282932A", "siren_format"),
        ("", "siren_format"),
    ],
)
def test_invalid_siren(value, code):
    assert codes(validate_siren, value) == code


@pytest.mark.parametrize("n", range(20))
def test_factory_sirets_are_valid(n):
    value = siret(n)
    assert len(value) == 14
    validate_siret(value)


def test_valid_siret_with_spaces_and_dots():
    validate_siret("732 829 320 00074")
    validate_siret("732.829.320.00074")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("73282932000075", "siret_key"),  # the establishment key is wrong
        ("73282932100074", "siret_key"),  # the SIREN inside is wrong
        ("7328293200007", "siret_format"),
        ("732829320000745", "siret_format"),
        ("7328293200007A", "siret_format"),
    ],
)
def test_invalid_siret(value, code):
    assert codes(validate_siret, value) == code


def test_siret_whose_siren_is_valid_but_whole_number_is_not():
    siren = with_luhn_key("12345678")
    number = next(f"{siren}0001{k}" for k in "0123456789" if not luhn_ok(f"{siren}0001{k}"))
    assert codes(validate_siret, number) == "siret_key"


def test_la_poste_siret_follows_the_sum_rule_not_luhn():
    assert not luhn_ok(LA_POSTE_SIRET)
    assert sum(int(c) for c in LA_POSTE_SIRET) % 5 == 0
    validate_siret(LA_POSTE_SIRET)
    validate_siret("35600000000048")  # La Poste's head office


def test_la_poste_siret_whose_digit_sum_is_not_a_multiple_of_5():
    value = "35600000049838"
    assert sum(int(c) for c in value) % 5 != 0
    assert codes(validate_siret, value) == "siret_key"


def test_error_messages_are_french():
    with pytest.raises(ValidationError, match="Le SIRET doit comporter 14 chiffres"):
        validate_siret("123")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("73282932000075")


@pytest.mark.parametrize("value", ["W261234567", "w261234567", " W26A000123 ", "W9Z1000001"])
def test_valid_rna(value):
    validate_rna(value)


@pytest.mark.parametrize(
    "value", ["W26123456", "W2612345678", "X261234567", "261234567", "W26-123456"]
)
def test_invalid_rna(value):
    assert codes(validate_rna, value) == "rna_format"
