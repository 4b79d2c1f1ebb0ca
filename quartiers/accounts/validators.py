"""French identifiers: SIREN/SIRET (Luhn, with La Poste's exception) and RNA."""

import re

from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_number(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siren(value: str) -> None:
    digits = normalise_number(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ValidationError("Le SIREN doit comporter 9 chiffres.", code="siren_format")
    if not luhn_ok(digits):
        raise ValidationError("Ce SIREN n'est pas valide (clé de contrôle).", code="siren_key")


def validate_siret(value: str) -> None:
    digits = normalise_number(value)
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError("Le SIRET doit comporter 14 chiffres.", code="siret_format")
    if digits.startswith(LA_POSTE_SIREN):
        # La Poste's establishments do not follow Luhn: the digit sum is a multiple of 5.
        # Only the head office (356 000 000 00048) follows Luhn.
        if digits == LA_POSTE_SIREN + "00048" or sum(int(c) for c in digits) % 5 == 0:
            return
        raise ValidationError("Ce SIRET de La Poste n'est pas valide.", code="siret_key")
    if not luhn_ok(digits[:9]):
        raise ValidationError("Le SIREN contenu dans ce SIRET n'est pas valide.", code="siret_key")
    if not luhn_ok(digits):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle).", code="siret_key")


def validate_rna(value: str) -> None:
    if not re.fullmatch(r"W[0-9A-Z]{9}", (value or "").strip().upper()):
        raise ValidationError(
            "Le numéro RNA commence par W suivi de 9 caractères (ex. W261234567).",
            code="rna_format",
        )
