"""Write ``src/moneymen/data/example_network.jsonl``: the demo's illustrative case file, as FtM JSON lines.

The network is **fictional**, modelled on the structure the open sources describe (a patron, his
party department, trading companies abroad that earn foreign currency, officials posted abroad
with families kept at home, bank accounts only some of them know, remittances to a central
bureau). Two entities are real: Jang Song-thaek and the Workers' Party department he led; what
is stated of them (his post, his execution in December 2013) is public record. No tie from Jang
to any fictional entity is stated. Everything else (companies, officials, relatives, accounts,
amounts, the bureau) is invented for moneymen and says so in its notes (FtM ``notes``) and in the
source record of each of its statements. Names are names only: a note such as "(fictional)" in a
name would be read as a word of it by whoever matches the file against real lists.

Run ``python tools/build_example_network.py`` after editing; the output is committed.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "moneymen" / "data" / "example_network.jsonl"
#: When the demo says its statements were seen (``import_file(seen=SEEN)``, see moneymen.demo).
SEEN = "2013-12-20T00:00:00Z"

PUBLIC = ("B2", "public record: Jang's post as director of the WPK Administrative Department and his execution "
          "in December 2013 were announced by North Korean state media and widely reported")
ILLUSTRATIVE = ("C3", "illustrative example (moneymen): fictional, modelled on the structure reported in December 2013")
RUMOUR = ("D4", "illustrative example (moneymen): fictional, an unconfirmed tie")
DOUBTFUL = ("E5", "illustrative example (moneymen): fictional, an improbable claim kept to show grade filtering")
FICTIONAL_NOTE = "Fictional: an illustrative example made for moneymen's demo. Not a real {what}."

lines: list[dict] = []


def entity(entity_id: str, schema: str, grade: tuple[str, str] = ILLUSTRATIVE, **properties: object) -> str:
    statements = []
    for prop, values in properties.items():
        for value in values if isinstance(values, list) else [values]:
            statements.append({"prop": prop, "value": str(value), "reliability": grade[0][0],
                               "credibility": grade[0][1], "source_record": grade[1]})
    lines.append({"id": entity_id, "schema": schema, "statements": statements})
    return entity_id


def fictional_person(entity_id: str, name: str, countries: list[str], **properties: object) -> str:
    return entity(entity_id, "Person", name=name, nationality="kp", country=countries,
                  notes=FICTIONAL_NOTE.format(what="person"), **properties)


def fictional_company(entity_id: str, name: str, country: str, city: str, **properties: object) -> str:
    return entity(entity_id, "Company", name=name, country=country, address=city,
                  notes=FICTIONAL_NOTE.format(what="company"), **properties)


def link(schema: str, source_prop: str, source: str, target_prop: str, target: str,
         grade: tuple[str, str] = ILLUSTRATIVE, **properties: object) -> str:
    entity_id = f"ex-{schema.lower()}-{source.removeprefix('ex-')}-{target.removeprefix('ex-')}"
    return entity(entity_id, schema, grade, **{source_prop: source, target_prop: target}, **properties)


def account(entity_id: str, holder: str, signatories: list[str], balance: int, bank: str) -> str:
    owner_name = next(line for line in lines if line["id"] == holder)["statements"][0]["value"]
    entity(entity_id, "BankAccount", name=f"{owner_name} account {entity_id[-1]}", accountNumber=f"EXAMPLE-{entity_id.upper()[8:]}", bankName=f"{bank} (fictional)",
           balance=balance, currency="USD", notes=FICTIONAL_NOTE.format(what="bank account"))
    link("Ownership", "owner", holder, "asset", entity_id, role="account holder")
    for person in signatories:
        link("UnknownLink", "subject", person, "object", entity_id, role="signatory")
    return entity_id


def payment(payer: str, beneficiary: str, amount: int, date: str, purpose: str, account_id: str | None = None,
            grade: tuple[str, str] = ILLUSTRATIVE) -> str:
    extra = {"payerAccount": account_id} if account_id else {}
    return link("Payment", "payer", payer, "beneficiary", beneficiary, grade, amount=amount, currency="USD",
                date=date, purpose=purpose, **extra)


def build() -> None:
    # -- the real patron and his department (public record only) --------------------------------
    jang = entity("ex-jang-song-thaek", "Person", PUBLIC, name="Jang Song-thaek", alias="Chang Song-taek",
                  nationality="kp", country="kp", deathDate="2013-12-12",
                  position="Director, Administrative Department of the WPK Central Committee",
                  notes="Real person. His post and his execution in December 2013 are public record; the ties "
                        "of this example beyond his department are fictional and are not stated of him.")
    department = entity("ex-wpk-administrative-department", "Organization", PUBLIC,
                        name="Administrative Department of the Workers' Party of Korea Central Committee",
                        country="kp", notes="Real party department, led by Jang Song-thaek until December 2013.")
    link("Directorship", "director", jang, "organization", department, PUBLIC, role="director", endDate="2013-12")

    # -- the fictional money machine -----------------------------------------------------------
    bureau = entity("ex-central-currency-bureau", "Organization", name="Central Foreign Currency Bureau",
                    country="kp", notes=FICTIONAL_NOTE.format(what="organisation") +
                    " Stands for the party bureau that collects the foreign currency earned abroad.")
    deputy = fictional_person("ex-kang-myong-su", "Kang Myong-su", ["kp"], position="deputy director")
    link("Employment", "employee", deputy, "employer", department, role="deputy director")

    beijing = fictional_company("ex-blue-pine-trading", "Blue Pine Trading Co.", "cn", "Beijing")
    shenyang = fictional_company("ex-northern-lantern-trading", "Northern Lantern Trading Co.", "cn", "Shenyang")
    vienna = fictional_company("ex-silver-crane-commerce", "Silver Crane Commerce GmbH", "at", "Vienna")
    partner = entity("ex-riverside-minerals", "Company", name="Riverside Minerals Ltd.", country="cn",
                     address="Shenyang", notes=FICTIONAL_NOTE.format(what="company") +
                     " A foreign partner and investor of a DPRK trading company.")
    link("Ownership", "owner", department, "asset", beijing, percentage="100", role="subordinate company")
    link("Ownership", "owner", department, "asset", shenyang, percentage="51", role="joint venture, DPRK side")
    link("Ownership", "owner", partner, "asset", shenyang, percentage="49", role="joint venture, foreign investor")
    link("Ownership", "owner", department, "asset", vienna, percentage="100", role="subordinate company")

    # Beijing: a director, an accountant, a trade officer who carries cash, an interpreter
    ri = fictional_person("ex-ri-chol-jin", "Ri Chol-jin", ["kp", "cn"], position="director, Blue Pine Trading")
    pak = fictional_person("ex-pak-un-gyong", "Pak Un-gyong", ["kp", "cn"], position="accountant")
    jo = fictional_person("ex-jo-kwang-il", "Jo Kwang-il", ["kp", "cn"], position="trade officer")
    han = fictional_person("ex-han-song-mi", "Han Song-mi", ["kp", "cn"], position="interpreter")
    link("Directorship", "director", ri, "organization", beijing, role="director")
    for person, role in ((pak, "accountant"), (jo, "trade officer"), (han, "interpreter")):
        link("Employment", "employee", person, "employer", beijing, role=role)
    ri_wife = fictional_person("ex-kim-son-hui", "Kim Son-hui", ["kp"])
    jo_son = fictional_person("ex-jo-myong-ho", "Jo Myong-ho", ["kp"])
    han_daughter = fictional_person("ex-han-ok-ju", "Han Ok-ju", ["kp", "cn"])  # lives with her mother abroad
    link("Family", "person", ri, "relative", ri_wife, relationship="wife")
    link("Family", "person", jo, "relative", jo_son, relationship="son")
    link("Family", "person", han, "relative", han_daughter, relationship="daughter")
    b1 = account("ex-acct-blue-pine-1", beijing, [ri], 850_000, "Example Commercial Bank, Beijing")
    b2 = account("ex-acct-blue-pine-2", beijing, [ri, pak], 1_600_000, "Example Commercial Bank, Beijing")
    account("ex-acct-blue-pine-3", beijing, [pak], 120_000, "Example Savings Bank, Beijing")

    # Shenyang: the joint venture with a foreign investor
    choe = fictional_person("ex-choe-yong-nam", "Choe Yong-nam", ["kp", "cn"], position="director, Northern Lantern Trading")
    so = fictional_person("ex-so-myong-chol", "So Myong-chol", ["kp", "cn"], position="trade officer")
    kim = fictional_person("ex-kim-hye-ryon", "Kim Hye-ryon", ["kp", "cn"], position="bookkeeper")
    link("Directorship", "director", choe, "organization", shenyang, role="director")
    link("Employment", "employee", so, "employer", shenyang, role="trade officer")
    link("Employment", "employee", kim, "employer", shenyang, role="bookkeeper")
    choe_wife = fictional_person("ex-ri-gum-ok", "Ri Gum-ok", ["kp"])
    kim_mother = fictional_person("ex-kim-jong-sun", "Kim Jong-sun", ["kp"])
    link("Family", "person", choe, "relative", choe_wife, relationship="wife")
    link("Family", "person", kim, "relative", kim_mother, relationship="mother")
    s1 = account("ex-acct-northern-lantern-1", shenyang, [so], 430_000, "Example Border Bank, Shenyang")
    account("ex-acct-northern-lantern-2", shenyang, [choe, kim], 260_000, "Example Border Bank, Shenyang")

    # Vienna: a small office in Europe, no arrest squad reported there
    yun = fictional_person("ex-yun-tae-song", "Yun Tae-song", ["kp", "at"], position="director, Silver Crane Commerce")
    ryang = fictional_person("ex-ryang-chun-hwa", "Ryang Chun-hwa", ["kp", "at"], position="sales officer")
    link("Directorship", "director", yun, "organization", vienna, role="director")
    link("Employment", "employee", ryang, "employer", vienna, role="sales officer")
    yun_wife = fictional_person("ex-o-hyang-mi", "O Hyang-mi", ["kp"])
    link("Family", "person", yun, "relative", yun_wife, relationship="wife")
    v1 = account("ex-acct-silver-crane-1", vienna, [yun], 1_200_000, "Example Private Bank, Vienna")

    # ties between officials of different offices
    link("Associate", "person", ri, "associate", choe, RUMOUR, relationship="former colleagues")
    link("Associate", "person", so, "associate", ryang, DOUBTFUL, relationship="said to share a courier")

    # the money: trade revenue in, remittances to the bureau
    payment(partner, shenyang, 1_500_000, "2013-09", "coal purchases")
    payment(beijing, bureau, 2_400_000, "2013-10", "annual remittance", b2)
    payment(beijing, jo, 300_000, "2013-11", "cash handed over for carrying home", b1)
    payment(jo, bureau, 300_000, "2013-11", "cash carried to Pyongyang")
    payment(shenyang, bureau, 1_100_000, "2013-10", "annual remittance", s1)
    payment(vienna, bureau, 900_000, "2013-10", "annual remittance", v1)
    payment(department, bureau, 500_000, "2013-10", "department levy")


def main() -> None:
    build()
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with OUT.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"wrote {len(lines)} entities to {OUT}")


if __name__ == "__main__":
    main()
