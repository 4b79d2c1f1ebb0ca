"""The draw by lot, as a pure function anyone can re-run (docs/architecture.md, « Tirage au
sort »). Nothing here reads the database.

Algorithm `sha256-rang-v1`:

1. Each volunteer is one line `<genre>;<nom>`: the gender `femme` or `homme`, then the name
   in Unicode NFC, spaces at both ends removed and every run of spaces (tabs, line breaks)
   made one space.
2. The canonical text of the list is these lines sorted (Unicode code points, the order of
   Python's `sorted`), each followed by a line feed, in UTF-8. The list's fingerprint is the
   SHA-256 of that text in hexadecimal (`sha256sum` of the file gives it).
3. The seed is written in Unicode NFC, spaces at both ends removed. The key of a volunteer is
   the SHA-256 (hexadecimal) of `<seed>` + line feed + `<genre>;<nom>` in UTF-8.
4. The women are ranked by increasing key, the men likewise; for N seats the first N/2 of each
   are drawn; the rest, in order, are the liste complémentaire of their gender.

No pseudo-random generator is involved: Python guarantees `random.Random(seed).random()` only,
not `sample` or `shuffle`, across its versions, while a SHA-256 is the same in every language,
spreadsheet and command line.
"""

import hashlib
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from quartiers.participation.enums import Gender

ALGORITHM = "sha256-rang-v1"
MAX_SEATS = 500


def normalise(text: str) -> str:
    """NFC, spaces at both ends removed, inner runs of white space made one space."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def line(gender: str, name: str) -> str:
    return f"{gender};{normalise(name)}"


def canonical_text(volunteers) -> str:
    """`volunteers`: (gender, name) pairs. The text whose SHA-256 is the list's fingerprint."""
    return "".join(f"{entry}\n" for entry in sorted(line(g, n) for g, n in volunteers))


def fingerprint(volunteers) -> str:
    return hashlib.sha256(canonical_text(volunteers).encode("utf-8")).hexdigest()


def normalise_seed(seed: str) -> str:
    return unicodedata.normalize("NFC", str(seed)).strip()


def key(seed: str, gender: str, name: str) -> str:
    text = f"{normalise_seed(seed)}\n{line(gender, name)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Ranked:
    gender: str
    name: str  # normalised
    rank: int  # 1 = first of their gender
    key: str
    seated: bool


def check_draw(*, women: int, men: int, seats: int) -> None:
    """Refuse, in French, a draw that cannot respect parity."""
    if seats < 2:
        raise ValidationError(
            {"seats": "Il faut au moins deux sièges à pourvoir (une femme et un homme)."}
        )
    if seats > MAX_SEATS:
        raise ValidationError({"seats": f"Au plus {MAX_SEATS} sièges par tirage."})
    if seats % 2:
        raise ValidationError(
            {
                "seats": (
                    f"{seats} sièges ne peuvent pas respecter la parité : la loi demande autant "
                    "de femmes que d'hommes parmi les habitants tirés au sort. Choisissez un "
                    "nombre pair de sièges."
                )
            }
        )
    half = seats // 2
    missing = [
        f"{count} {label} pour {half} sièges"
        for count, label in ((women, "femme(s)"), (men, "homme(s)"))
        if count < half
    ]
    if missing:
        raise ValidationError(
            "Cette liste ne permet pas un tirage paritaire de "
            f"{seats} sièges ({half} femmes et {half} hommes) : elle compte "
            + " et ".join(missing)
            + ". Complétez la liste de volontaires ou réduisez le nombre de sièges."
        )


def rank(volunteers, *, seed: str, seats: int) -> list[Ranked]:
    """Rank every volunteer of `volunteers` ((gender, name) pairs) for a draw of `seats`
    seats with `seed`; refuses a draw that cannot give parity. Women first, then men, each
    by rank."""
    if not normalise_seed(seed):
        raise ValidationError({"seed": "La graine du tirage ne peut pas être vide."})
    entries = [(g, normalise(n)) for g, n in volunteers]
    by_gender = {g: sorted((key(seed, g, n), n) for gg, n in entries if gg == g) for g in Gender}
    check_draw(women=len(by_gender[Gender.WOMAN]), men=len(by_gender[Gender.MAN]), seats=seats)
    half = seats // 2
    return [
        Ranked(gender=str(g), name=n, rank=i, key=k, seated=i <= half)
        for g in Gender
        for i, (k, n) in enumerate(by_gender[g], start=1)
    ]
