"""Property test: random mixes of valid and hostile lines, imported into a copy of a real store.

Whatever a file holds, the import either commits or is refused with a SourceError; afterwards
every read a user makes still works, and no statement of another dataset has changed.
"""

from __future__ import annotations

import json
import shutil

from hypothesis import HealthCheck, given, settings, strategies as st

from moneymen.services.imports import import_file
from moneymen.sources.base import SourceError
from moneymen.store import open_store

from test_integrity import KPI_001, every_read_works, lists_store, snapshot  # noqa: F401 (fixture)

EXISTING = [KPI_001, "ofac-9345", "unsc-6908045", "ofac-11599"]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
HOSTILE_TEXT = st.sampled_from(['=HYPERLINK("http://evil/","x")', "@SUM(1)", "+cmd|' /C calc'!A0", "\x00\x07NUL",
                                "<script>alert(1)</script>", "X\x1f", "\ufeffbom", "K" * 5000])


def entity_line(entity_id, schema, props):
    return json.dumps({"id": entity_id, "schema": schema, "properties": props})


LINES = st.one_of(
    # valid people and companies, new or sharing an id with the lists
    st.builds(lambda i, name: entity_line(i, "Person", {"name": [name]}),
              st.sampled_from(["a", "b", "c", KPI_001]), st.one_of(TEXT, HOSTILE_TEXT)),
    st.builds(lambda i, name: entity_line(i, "LegalEntity", {"name": [name], "country": ["kp"]}),
              st.sampled_from(["d", *EXISTING]), TEXT),
    # an id of the lists with a schema no list agrees with
    st.builds(lambda i: entity_line(i, "Vessel", {"name": ["CHON MA SAN"]}), st.sampled_from(EXISTING)),
    # forged provenance: another dataset, a better grade, an analyst's origin, odd dates
    st.builds(lambda i, dataset, grade, seen: json.dumps({"id": i, "schema": "LegalEntity", "statements": [
        {"prop": "alias", "value": "FORGED", "dataset": dataset, "grade": grade, "origin": "analyst",
         "source_record": "ent_num 9345", "first_seen": seen, "last_seen": seen}]}),
        st.sampled_from(EXISTING), st.sampled_from(["us_ofac_sdn", "un_sc", "fuzz"]),
        st.sampled_from(["A1", "F6", "Z9", "b2"]), st.sampled_from(["2001-01-01", "9999-99-99", "2999-01-01", "x"])),
    # sanctions claimed on the lists' entities
    st.builds(lambda i, target: entity_line(i, "Sanction", {"entity": [target], "program": ["DPRK"],
                                                              "authority": ["United Nations Security Council"]}),
              st.sampled_from(["s1", "s2", "ofac-9345-sanction-dprk2"]), st.sampled_from(["a", *EXISTING])),
    # statement lines, typed wrongly or not
    st.builds(lambda i, value, reliability: json.dumps({"entity_id": i, "schema": "Person", "prop": "alias",
                                                        "value": value, "reliability": reliability}),
              st.sampled_from(["a", KPI_001]), TEXT, st.sampled_from(["C", 5, None])),
    # plain garbage
    st.sampled_from(["[1, 2]", "{", '{"id": "", "schema": "Person"}', '{"id": "x", "schema": "Pirate"}',
                     '{"id": "x", "schema": "Person", "properties": {"birthDate": ["9999-99-99"]}}']),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, min_size=1, max_size=8), dataset=st.sampled_from(["fuzz", "my_notes"]))
def test_any_mix_of_lines_leaves_other_datasets_alone_and_the_store_readable(lists_store, tmp_path_factory, lines,
                                                                             dataset):
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "copy.duckdb"
    shutil.copy(lists_store, db)
    official = {name: snapshot(db, name) for name in ("us_ofac_sdn", "un_sc")}
    source = folder / "input.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(db)
    with open_store(db) as store:
        try:
            import_file(store, source, format="ftm", dataset=dataset)
        except SourceError:
            refused = True
        else:
            refused = False
    if refused:
        assert snapshot(db) == before, "a refused import leaves the store exactly as it was"
    assert {name: snapshot(db, name) for name in official} == official
    every_read_works(db, folder)
