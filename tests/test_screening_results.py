"""What a screening answer holds: each listed entity once, whichever of its names matched."""

from __future__ import annotations

import pytest

from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store


@pytest.fixture(scope="module")
def screener(tmp_path_factory):
    with open_store(tmp_path_factory.mktemp("results") / "lists.duckdb") as store:
        import_bundled(store)
        return screener_of_store(store)


def test_no_entity_comes_back_twice_for_one_query(screener):
    """Entities with several names (aliases, other scripts) that each resemble the query were
    listed once per name: 'Abdul HAQ' twice for 'SALEK, ABDULHAI'."""
    repeated = []
    for entity in screener.entities:
        for name in entity.properties.get("name", []) + entity.properties.get("alias", []):
            for schema in ("LegalEntity", entity.schema):
                query = Profile.from_properties(schema, {"name": [name]})
                ids = [result.entity.id for result in screener.screen(query, limit=10)]
                if len(ids) != len(set(ids)):
                    repeated.append((name, schema, ids))
    assert not repeated, repeated[:5]
