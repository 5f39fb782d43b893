"""Hostile or awkward input files are bounded and explained: YAML bombs, mappings that would fetch
data or name absent columns, byte-order marks and UTF-16, absurd OFAC ent_nums, thousands of
homonyms, oversized list files."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from moneymen.services.entities import get_entity
from moneymen.services.imports import import_file
from moneymen.sources import ofac
from moneymen.sources.base import SourceError

from conftest import run_cli, store_fingerprint

PEOPLE = "pid,full_name,dob\n1,Kim Chol,1970-03-02\n2,Ri Song Il,1968\n"
SHORT_MAPPING = "schema: Person\nid: pid\ncolumns:\n  full_name: name\n  dob: birthDate\n"
SDN_ROW = ('{ent},"{name}",-0-,"{program}",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"{remarks}"\n')


def yaml_bomb(levels: int) -> list[str]:
    """Anchors and aliases that expand to 9**levels strings ("billion laughs"), one line each."""
    lines = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"&a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return lines


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def csv_import(store, tmp_path: Path, mapping: str | bytes, people: str | bytes = PEOPLE):
    return import_file(store, write(tmp_path / "people.csv", people), format="csv",
                       mapping=write(tmp_path / "m.yml", mapping))


# -- 1. YAML bombs -----------------------------------------------------------------------------


def test_a_yaml_bomb_in_a_mapping_is_refused_at_the_first_alias(tmp_path, store):
    bomb = "\n".join(f"b{i}: {line}" for i, line in enumerate(yaml_bomb(7)))
    mapping = bomb + "\nschema: Person\ncolumns: {full_name: name}\nkeys: *a6\n"
    started = time.perf_counter()
    with pytest.raises(SourceError) as error:
        csv_import(store, tmp_path, mapping)
    assert time.perf_counter() - started < 5
    assert str(error.value) == (f"{tmp_path / 'm.yml'}, line 2: cannot read the mapping: YAML alias *a0 is not "
                                "accepted (nor are merge keys '<<: *a0'): write the repeated values out")
    assert store.count_statements() == 0


def test_a_yaml_bomb_in_a_scenario_is_refused_at_the_first_alias(tmp_path, db_path):
    scenario = write(tmp_path / "bomb.yaml", "name: bomb\nseeds:\n" + "".join(f"  - {line}\n" for line in yaml_bomb(7))
                     + "sink: *a6\n")
    result = run_cli("scenario", "run", str(scenario), db=db_path, timeout=60)
    assert result.returncode != 0
    shown = " ".join((result.stderr + result.stdout).split())
    assert f"{scenario}, line 4: YAML alias *a0 is not accepted" in shown
    assert "Traceback" not in result.stderr


def test_yaml_merge_keys_are_aliases_too(tmp_path, store):
    with pytest.raises(SourceError, match=r"m\.yml, line 3: .*merge keys"):
        csv_import(store, tmp_path, "base: &base {schema: Person}\nentities:\n  row: {<<: *base, id_column: pid}\n")


def test_deep_nesting_and_huge_numbers_in_yaml_are_explained(tmp_path, store):
    with pytest.raises(SourceError, match=r"m\.yml, line 2: .*nested more than 64 levels"):
        csv_import(store, tmp_path, "schema: Person\ncolumns: " + "[" * 100 + "]" * 100 + "\n")
    with pytest.raises(SourceError, match=r"m\.yml, line 2: cannot read the mapping: invalid YAML"):
        csv_import(store, tmp_path, "schema: Person\ncolumns: " + "[" * 100_000 + "\n")
    with pytest.raises(SourceError, match=r"m\.yml: cannot read the mapping: invalid YAML: .*4300 digits"):
        csv_import(store, tmp_path, "schema: Person\ncolumns: {full_name: name}\nid: " + "7" * 5000 + "\n")


def test_huge_numbers_in_a_toml_scenario_are_explained(tmp_path):
    from moneymen.analysis.scenario import Scenario, ScenarioError

    path = write(tmp_path / "big.toml", 'name = "x"\nseeds = ["a"]\nruns = ' + "9" * 5000 + "\n")
    with pytest.raises(ScenarioError, match=r"big\.toml: invalid TOML"):
        Scenario.from_file(path)


def test_an_oversized_mapping_is_refused_before_it_is_parsed(tmp_path, store):
    mapping = SHORT_MAPPING + "# " + "x" * (1 << 20) + "\n"
    with pytest.raises(SourceError, match=r"m\.yml: .*larger than 1 MiB"):
        csv_import(store, tmp_path, mapping)


# -- 2. mapping keys that would make FtM fetch or query data ------------------------------------


@pytest.mark.parametrize("key, value", [
    ("database", "sqlite:///{tmp}/created.sqlite"),
    ("tables", "[people]"),
    ("joins", "[{left: a.id, right: b.id}]"),
    ("csv_url", "file:///etc/passwd"),
    ("csv_urls", "[https://example.org/people.csv]"),
])
def test_a_mapping_may_not_name_its_own_data_source(tmp_path, store, key, value):
    value = value.replace("{tmp}", str(tmp_path))
    mapping = ("entities:\n  person: {schema: Person, id_column: pid, properties: {name: {column: full_name}}}\n"
               f"{key}: {value}\n")
    with pytest.raises(SourceError, match=rf"m\.yml, line 3: key '{key}' is not accepted"):
        csv_import(store, tmp_path, mapping)
    assert not (tmp_path / "created.sqlite").exists(), "no database is opened"
    assert store.count_statements() == 0


def test_unknown_top_level_keys_are_named(tmp_path, store):
    with pytest.raises(SourceError, match=r"m\.yml, line 3: unknown key 'colums'; expected some of: columns"):
        csv_import(store, tmp_path, "schema: Person\nid: pid\ncolums: {full_name: name}\ncolumns: {dob: birthDate}\n")
    with pytest.raises(SourceError, match=r"key 'schema' belongs to the short form"):
        csv_import(store, tmp_path, "schema: Person\nentities:\n  row: {schema: Person, id_column: pid}\n")


def test_filters_are_applied_to_the_csv_rows(tmp_path, store):
    people = "pid,full_name,status\n1,Kim Chol,listed\n2,Ri Song Il,delisted\n3,Pak Chol,listed\n"
    result = csv_import(store, tmp_path, "schema: Person\nid: pid\ncolumns: {full_name: name}\n"
                                         "filters_not: {status: delisted}\n", people)
    assert result.entities == 2
    assert get_entity(store, "2") is None


# -- 3. columns the CSV does not have ------------------------------------------------------------


@pytest.mark.parametrize("mapping, missing", [
    ("schema: Person\nid: person_id\ncolumns: {full_name: name}\n", "'person_id'"),
    ("schema: Person\nkeys: [full_name, birth_date]\ncolumns: {full_name: name}\n", "'birth_date'"),
    ("schema: Person\nid: pid\ncolumns: {full_name: name, nationality: nationality, dob: birthDate}\n",
     "'nationality'"),
    ("schema: Person\nid: pid\ncolumns: {full_name: name}\nfilters: {status: listed}\n", "'status'"),
    ("entities:\n  p: {schema: Person, id_column: pid, properties: {name: {template: '{{first}} {{last}}'}}}\n",
     "'first', 'last'"),
])
def test_a_mapping_naming_columns_the_csv_lacks_is_refused(tmp_path, store, mapping, missing):
    with pytest.raises(SourceError) as error:
        csv_import(store, tmp_path, mapping)
    message = str(error.value)
    assert "m.yml" in message and f"{missing} not in the header of people.csv" in message
    assert "its columns: pid, full_name, dob" in message
    assert store.count_statements() == 0


def test_a_header_only_csv_is_checked_too(tmp_path, store):
    with pytest.raises(SourceError, match="'person_id' not in the header"):
        csv_import(store, tmp_path, "schema: Person\nid: person_id\ncolumns: {full_name: name}\n", "pid,full_name\n")


# -- 4. encodings ------------------------------------------------------------------------------


def test_byte_order_marks_are_accepted_in_csv_and_mapping(tmp_path, store):
    people = codecs.BOM_UTF8 + b'"pid","full_name","dob"\n1,Kim Chol,1970-03-02\n'
    result = csv_import(store, tmp_path, codecs.BOM_UTF8 + SHORT_MAPPING.encode(), people)
    assert result.entities == 1
    assert get_entity(store, "1").values("birthDate") == ["1970-03-02"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_named_as_such(tmp_path, store, encoding):
    with pytest.raises(SourceError, match=r"people\.csv: the CSV is UTF-16 text; save it as UTF-8"):
        csv_import(store, tmp_path, SHORT_MAPPING, PEOPLE.encode(encoding))
    with pytest.raises(SourceError, match=r"m\.yml: the mapping is UTF-16 text; save it as UTF-8"):
        csv_import(store, tmp_path, SHORT_MAPPING.encode(encoding))


def sdn_rows(*rows: tuple[int | str, str, str, str]) -> str:
    return "".join(SDN_ROW.format(ent=ent, name=name, program=program, remarks=remarks)
                   for ent, name, program, remarks in rows)


def test_ofac_files_with_byte_order_marks_are_read(tmp_path, store):
    sdn = write(tmp_path / "sdn.csv", codecs.BOM_UTF8 + sdn_rows((36, "KOREA TRADING CO", "DPRK", "-0-")).encode())
    write(tmp_path / "alt.csv", codecs.BOM_UTF8 + b'36,1,"aka","KOREA TRADE CORP",-0-\n')
    write(tmp_path / "add.csv", codecs.BOM_UTF8 + b'36,7,"Sungri Street","Pyongyang","North Korea",-0-\n')
    import_file(store, sdn, format="ofac")
    entity = get_entity(store, "ofac-36")
    assert entity.values("alias") == ["KOREA TRADE CORP"]
    assert entity.values("country") == ["kp"]


@pytest.mark.parametrize("which", ["sdn", "alt", "add"])
def test_a_utf16_ofac_file_is_named_as_such(tmp_path, store, which):
    files = {"sdn": sdn_rows((36, "KOREA TRADING CO", "DPRK", "-0-")), "alt": '36,1,"aka","KOREA TRADE CORP",-0-\n',
             "add": '36,7,"Sungri Street","Pyongyang","North Korea",-0-\n'}
    for name, text in files.items():
        write(tmp_path / f"{name}.csv", text.encode("utf-16-le" if name == which else "utf-8"))
    with pytest.raises(SourceError, match=rf"{which}\.csv: the file is UTF-16 text; save it as UTF-8"):
        import_file(store, tmp_path / "sdn.csv", format="ofac")
    assert store.count_statements() == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_sdn_file_is_recognised_and_named_as_such(tmp_path, db_path, encoding):
    sdn = write(tmp_path / "sdn.csv", sdn_rows((36, "KOREA TRADING CO", "DPRK", "-0-")).encode(encoding))
    result = run_cli("import", str(sdn), db=db_path)
    assert result.returncode != 0
    assert "sdn.csv: the file is UTF-16 text; save it as UTF-8" in " ".join(result.stderr.split())


# -- 5. OFAC bounds ------------------------------------------------------------------------------


def test_an_absurd_ent_num_is_refused_with_file_and_line(tmp_path, store):
    sdn = write(tmp_path / "sdn.csv", sdn_rows((36, "KOREA TRADING CO", "DPRK", "-0-"),
                                                ("9" * 5000, "KOREA MINING CO", "DPRK", "-0-")))
    with pytest.raises(SourceError, match=r"sdn\.csv, line 2: ent_num must be a whole number of at most 10 digits, "
                                          r"found 5,000 digits"):
        import_file(store, sdn, format="ofac")


def test_thousands_of_homonyms_link_in_linear_time_with_a_short_note(tmp_path, store):
    name = "KOREA HOMONYM TRADING CORPORATION"
    count = 20_000  # about 2.5 MB; the quadratic resolution took minutes and gigabytes
    sdn = write(tmp_path / "sdn.csv", sdn_rows(*((ent, name, "DPRK", f"Linked To: {name}.")
                                                  for ent in range(1, count + 1))))
    started = time.perf_counter()
    entities = list(ofac.read(sdn, _context()))
    assert time.perf_counter() - started < 20
    notes = [value.value for entity in entities if entity.id == "ofac-1" for value in entity.values
             if value.prop == "notes"]
    assert notes[-1] == (f"Linked To: {name} (not resolved in this file: {count} entries have this name: "
                         f"ent_num 1, 2, 3, 4, 5 and {count - 5:,} more)")


def test_homonyms_are_told_apart_by_program(tmp_path, store):
    sdn = write(tmp_path / "sdn.csv", sdn_rows(
        (1, "GREEN PINE CORP", "DPRK", "-0-"), (2, "GREEN PINE CORP", "IRAN", "-0-"),
        (3, "GREEN PINE CORP", "SDGT", "-0-"),
        (4, "KIM, Chol", "DPRK] [NPWMD", "Linked To: GREEN PINE CORP."),
        (5, "RI, Song", "CUBA", "Linked To: GREEN PINE CORP."),
    ))
    import_file(store, sdn, format="ofac")
    assert get_entity(store, "ofac-4-linked-1").values("object") == ["ofac-1"], "the one sharing DPRK"
    assert get_entity(store, "ofac-5-linked-1") is None
    assert ("Linked To: GREEN PINE CORP (not resolved in this file: 3 entries have this name: ent_num 1, 2, 3)"
            in get_entity(store, "ofac-5").values("notes"))


def test_an_oversized_ofac_file_is_refused_before_it_is_read(tmp_path, db_path):
    sdn = tmp_path / "sdn.csv"
    with sdn.open("wb") as out:
        out.write(sdn_rows((36, "KOREA TRADING CO", "DPRK", "-0-")).encode())
        out.truncate(ofac.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    before = store_fingerprint(db_path)
    result = run_cli("import", str(sdn), "--format", "ofac", db=db_path)
    assert result.returncode != 0
    shown = " ".join((result.stderr + result.stdout).split())
    assert f"sdn.csv: the file is {ofac.MAX_FILE_BYTES + 1:,} bytes; expected an OFAC list file of at most 64 MiB" in shown
    assert store_fingerprint(db_path) == before


def _context():
    from moneymen.model import Grade
    from moneymen.sources.base import ImportContext

    return ImportContext(dataset="t", grade=Grade.parse("A1"), retrieved_at="2024-01-01T00:00:00Z",
                         seen="2024-01-01T00:00:00Z")
