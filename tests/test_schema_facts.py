"""What screening knows of FtM's schemata and countries without loading FtM agrees with FtM itself."""

from __future__ import annotations

import pytest
from followthemoney import model
from followthemoney.types import registry

from moneymen.match.profiles import Profile
from moneymen.match.schema_table import SCHEMATA
from moneymen.match.schemata import schema_facts, table_from_ftm


def test_the_schema_table_is_the_installed_followthemoneys():
    assert SCHEMATA == table_from_ftm(), "FtM's schemata changed: run `python -m moneymen.match.schemata`"


def test_every_pair_of_schemata_is_related_and_matched_as_followthemoney_says():
    for left in model:
        facts = schema_facts(left.name)
        assert facts.matchable == left.matchable
        assert [s.name for s in facts.schemata] == sorted(s.name for s in left.schemata)
        for right in model:
            assert facts.is_a(right.name) == left.is_a(right), (left.name, right.name)
            assert facts.can_match(schema_facts(right.name)) == left.can_match(right), (left.name, right.name)
    assert schema_facts("Persn") is None


UN_LABELS = ["Iran (Islamic Republic of)", "Democratic People's Republic of Korea", "Syrian Arab Republic",
             "Russian Federation", "Korea, Democratic People's Republic of", "United Republic of Tanzania",
             "Côte d'Ivoire", "Viet Nam", "Lao People's Democratic Republic", "Bolivia (Plurinational State of)"]


@pytest.mark.parametrize("values", [
    UN_LABELS,
    sorted(registry.country.names),  # every code
    sorted(registry.country.names.values()),  # every country's name
    ["  kp ", "north korea", "DPRK", "Burma", "Soviet Union", "Kosovo", "", "   ", "Atlantis", "xx", "K\u0301orea",
     "Korea\x00", "U.S.A."],
])
def test_a_querys_countries_are_read_as_followthemoneys_country_type_reads_them(values):
    for value in values:
        expected = registry.country.clean(value, fuzzy=True)
        found = Profile.from_properties("Person", {"name": ["A B"], "nationality": [value]}).countries
        assert found == ({expected} if expected else set()), value
