"""The national demo register: about 532 UPTs in the 33 Kanwil, the §3.4 totals, all synthetic."""

from collections import Counter
from datetime import date

from pas_remission.demo import GROUP, TYPE_COUNTS, TYPE_TOTALS, national_facilities, synthetic_people
from pas_remission.domain.reference import reference


def test_national_facilities_follow_the_reference_and_the_published_totals() -> None:
    places = national_facilities(seed=7)
    assert len(places) == sum(TYPE_COUNTS.values()) == 532
    assert {f.kanwil_code for f in places} == set(reference().kanwil)
    for group, (occupants, capacity) in TYPE_TOTALS.items():
        members = [f for f in places if GROUP[f.upt_type] == group]
        assert sum(f.capacity for f in members) == capacity
        assert sum(f.occupants for f in members) == occupants
    named = {u["upt_code"] for u in reference().upts}
    for f in places:
        assert f.upt_code in named or (f.upt_code.startswith("SYN-") and "(sintetis)" in f.name)
        assert f.time_zone is reference().kanwil[f.kanwil_code].time_zone
    bagansiapiapi = next(f for f in places if f.upt_code == "LP-BAGANSIAPIAPI")
    assert (bagansiapiapi.capacity, bagansiapiapi.occupants) == (98, 927)  # as reported
    assert Counter(f.upt_type for f in places) == Counter(TYPE_COUNTS)
    assert national_facilities(seed=7) == places  # reproducible


def test_scale_shrinks_the_population_not_the_places() -> None:
    small = national_facilities(seed=7, scale=0.01)
    assert sum(f.capacity for f in small) == sum(c for _, c in TYPE_TOTALS.values())
    assert 2_700 <= sum(f.occupants for f in small) <= 2_800


def test_synthetic_people_are_held_on_the_day() -> None:
    on = date(2026, 3, 20)
    people = synthetic_people(5_000, on, seed=3)
    convicted = [p for p in people if p["kind"]]
    assert 0.75 < len(convicted) / len(people) < 0.85
    assert all(p["admitted"] < on and p["birth"] < p["admitted"] for p in people)
    assert all(p["final_on"] < on for p in convicted)
