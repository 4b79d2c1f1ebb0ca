"""The draw's algorithm (`draws.py`), checked against values computed by hand with
`sha256sum`: if these change, every published draw would no longer verify."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from quartiers.participation import draws

PAIRS = [("homme", "Ahmed  Benali "), ("femme", "Awa Diallo"), ("femme", "Brigitte Morel")]


def test_canonical_text_is_sorted_normalised_lines():
    assert (
        draws.canonical_text(PAIRS)
        == "femme;Awa Diallo\nfemme;Brigitte Morel\nhomme;Ahmed Benali\n"
    )


def test_fingerprint_is_the_sha256_of_the_canonical_text():
    text = "femme;Awa Diallo\nfemme;Brigitte Morel\nhomme;Ahmed Benali\n"
    assert draws.fingerprint(PAIRS) == hashlib.sha256(text.encode()).hexdigest()


def test_fingerprint_ignores_order_and_spacing_but_not_content():
    shuffled = [PAIRS[2], ("homme", "Ahmed Benali"), PAIRS[1]]
    assert draws.fingerprint(shuffled) == draws.fingerprint(PAIRS)
    assert draws.fingerprint([*PAIRS, ("homme", "Bruno Garnier")]) != draws.fingerprint(PAIRS)
    assert draws.fingerprint([("femme", "Awa Diallo")]) != draws.fingerprint(
        [("homme", "Awa Diallo")]
    )


def test_nfc_and_nfd_spellings_are_one_name():
    assert draws.fingerprint([("homme", "Ce\u0301dric")]) == draws.fingerprint(
        [("homme", "Cédric")]
    )


def test_key_is_the_sha256_of_seed_newline_line():
    expected = hashlib.sha256(b"ABC\nfemme;Awa Diallo").hexdigest()
    assert draws.key(" ABC ", "femme", "Awa  Diallo") == expected


def test_rank_orders_each_gender_by_key_and_seats_half_of_each():
    pairs = [("femme", f"F{i}") for i in range(5)] + [("homme", f"H{i}") for i in range(4)]
    ranking = draws.rank(pairs, seed="s", seats=4)
    for gender in ("femme", "homme"):
        mine = [r for r in ranking if r.gender == gender]
        assert [r.key for r in mine] == sorted(r.key for r in mine)
        assert [r.rank for r in mine] == list(range(1, len(mine) + 1))
        assert sum(r.seated for r in mine) == 2
        assert all(r.seated == (r.rank <= 2) for r in mine)


def test_the_same_seed_gives_the_same_draw_and_another_seed_may_not():
    pairs = [("femme", f"F{i}") for i in range(20)] + [("homme", f"H{i}") for i in range(20)]
    first = draws.rank(pairs, seed="2026-04-12 réunion publique", seats=8)
    assert draws.rank(list(reversed(pairs)), seed="2026-04-12 réunion publique", seats=8) == first
    assert draws.rank(pairs, seed="autre graine", seats=8) != first


def test_a_known_draw_stays_the_same():
    """Pinned: the algorithm's output for one list and seed (computed once by hand)."""
    pairs = [("femme", "Awa Diallo"), ("femme", "Brigitte Morel"), ("femme", "Chantal Roux")]
    pairs += [("homme", "Ahmed Benali"), ("homme", "Bruno Garnier")]
    seated = [r.name for r in draws.rank(pairs, seed="LORIOL-2026", seats=2) if r.seated]
    by_hand = {
        gender: min(
            (hashlib.sha256(f"LORIOL-2026\n{g};{n}".encode()).hexdigest(), n)
            for g, n in pairs
            if g == gender
        )[1]
        for gender in ("femme", "homme")
    }
    assert seated == [by_hand["femme"], by_hand["homme"]]


@pytest.mark.parametrize("seats", [3, 7, 1])
def test_odd_or_too_few_seats_are_refused(seats):
    pairs = [("femme", f"F{i}") for i in range(5)] + [("homme", f"H{i}") for i in range(5)]
    with pytest.raises(ValidationError) as error:
        draws.rank(pairs, seed="s", seats=seats)
    assert "seats" in error.value.message_dict


def test_a_list_that_cannot_give_parity_is_refused_with_the_counts():
    pairs = [("femme", f"F{i}") for i in range(5)] + [("homme", "H1")]
    with pytest.raises(ValidationError) as error:
        draws.rank(pairs, seed="s", seats=4)
    message = " ".join(error.value.messages)
    assert "ne permet pas un tirage paritaire de 4 sièges (2 femmes et 2 hommes)" in message
    assert "1 homme(s) pour 2 sièges" in message
    assert "femme(s) pour" not in message


def test_an_empty_seed_is_refused():
    with pytest.raises(ValidationError):
        draws.rank([("femme", "A"), ("homme", "B")], seed="  ", seats=2)


def test_values_pinned_from_sha256sum():
    """`printf 'femme;Awa Diallo\\nfemme;Brigitte Morel\\nhomme;Ahmed Benali\\n' | sha256sum`
    and `printf 'LORIOL-2026\\nfemme;Awa Diallo' | sha256sum`, run once in a shell."""
    assert draws.fingerprint(PAIRS) == (
        "d448a5977258d5ed46fbdc05e3fe3632694f557516d3a41495f5be5cad9d0b12"
    )
    assert draws.key("LORIOL-2026", "femme", "Awa Diallo") == (
        "6b5e11b0575998662b5593856b7a3b366d58695cfee1755dc498bf4169d5330b"
    )
