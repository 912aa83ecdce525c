import pytest
from django_countries.data import COUNTRIES

from accounts.regions import REGIONS, country_regions, region_for_country


def test_every_country_django_countries_knows_is_mapped():
    mapping = country_regions()
    assert set(COUNTRIES) <= set(mapping)


def test_regions_are_the_17_m49_sub_regions():
    assert len(REGIONS) == 17
    used = {region for region in country_regions().values() if region}
    assert used == set(REGIONS)


def test_only_antarctica_has_no_region():
    assert [code for code, region in country_regions().items() if not region] == ["AQ"]


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("FR", "Western Europe"),
        ("PH", "South-eastern Asia"),
        ("MX", "Latin America and the Caribbean"),
        ("NG", "Sub-Saharan Africa"),
        ("EG", "Northern Africa"),
        ("US", "Northern America"),
        ("AU", "Australia and New Zealand"),
        ("GB", "Northern Europe"),
        ("TR", "Western Asia"),
        ("KZ", "Central Asia"),
        ("IR", "Southern Asia"),
        ("CN", "Eastern Asia"),
        ("RU", "Eastern Europe"),
        ("IT", "Southern Europe"),
        ("FJ", "Melanesia"),
        ("GU", "Micronesia"),
        ("WS", "Polynesia"),
        ("SD", "Northern Africa"),
        ("HT", "Latin America and the Caribbean"),
    ],
)
def test_region_for_country(code, region):
    assert region_for_country(code) == region
    assert region_for_country(code.lower()) == region


def test_unknown_country_has_no_region():
    assert region_for_country("ZZ") == ""
    assert region_for_country("") == ""
