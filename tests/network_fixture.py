"""A small fictional network, hand-checkable, written as FtM JSON lines and imported into a real store.

Every name is invented. Two files: ``case.ftm.json`` (graded B2, dataset ``case``) and
``rumours.ftm.json`` (graded E5, dataset ``rumours``: one tie a defector's hearsay suggests).

People and ties (B2 weight: 0.9 × 0.9 = 0.81)::

    patron ──Family──► nephew ──Directorship──► tradeco ◄──Employment── official
      │                                            │
      ├──Membership (2005–2010)──► dept54          │ owns 50 %
      └──Associate (E5, rumours)──► rumoured       ▼
                                                  shipco ──owner of (Vessel:owner)──► vessel

Money (USD unless stated)::

    src1 ──70──► tradeco ──100 (from account acc1)──► acc1 ──► bureau (the sink)
    src2 ──50──► tradeco
    src2 ──40──► hotel ──60──► bureau
    src1 ──20 EUR──► hotel                      (left out unless converted)

acc1 is owned by nephew and official (two holders). Max flow src → bureau = 100 + 40 = 140;
a minimum cut is {acc1 → bureau (100), src2 → hotel (40)}.
"""

from __future__ import annotations

import json
from pathlib import Path

from moneymen.services.imports import import_file

NAMES = {
    "patron": ("Person", "Pak Chol-ung"),
    "nephew": ("Person", "Ri Song-ho"),
    "official": ("Person", "Kim Yong-su"),
    "rumoured": ("Person", "Choe Man-sik"),
    "tradeco": ("Company", "Taesong Trading"),
    "shipco": ("Company", "Pyolmuri Shipping"),
    "dept54": ("Organization", "Department 54"),
    "src1": ("Company", "Harbin Partner Co"),
    "src2": ("Company", "Dandong Partner Co"),
    "hotel": ("Company", "Sunrise Hotel"),
    "bureau": ("Organization", "Central Bureau 7"),
}


def entity(entity_id: str, schema: str, **properties) -> dict:
    return {"id": entity_id, "schema": schema,
            "properties": {k: v if isinstance(v, list) else [v] for k, v in properties.items()}}


def case_entities() -> list[dict]:
    rows = [entity(key, schema, name=name) for key, (schema, name) in NAMES.items() if key != "rumoured"]
    rows += [
        entity("vessel", "Vessel", name="Chon Ma San", owner="shipco", imoNumber="IMO8660313"),
        entity("acc1", "BankAccount", accountNumber="KP-0001", bankName="Foreign Trade Bank"),
        entity("fam1", "Family", person="patron", relative="nephew", relationship="nephew"),
        entity("dir1", "Directorship", director="nephew", organization="tradeco", role="director"),
        entity("emp1", "Employment", employee="official", employer="tradeco", role="representative"),
        entity("own1", "Ownership", owner="tradeco", asset="shipco", percentage="50"),
        entity("mem1", "Membership", member="patron", organization="dept54", startDate="2005", endDate="2010"),
        entity("hold1", "Ownership", owner="nephew", asset="acc1", role="account holder"),
        entity("hold2", "Ownership", owner="official", asset="acc1", role="signatory"),
        entity("pay1", "Payment", payer="src1", beneficiary="tradeco", amount="70", currency="USD", date="2013-03-01"),
        entity("pay2", "Payment", payer="src2", beneficiary="tradeco", amount="50", currency="USD", date="2013-04-01"),
        entity("pay3", "Payment", payer="src2", beneficiary="hotel", amount="40", currency="USD", date="2013-05-01"),
        entity("pay4", "Payment", payer="tradeco", beneficiary="bureau", payerAccount="acc1", amount="100",
               currency="USD", date="2013-06-01"),
        entity("pay5", "Payment", payer="hotel", beneficiary="bureau", amount="60", currency="USD", date="2013-06-01"),
        entity("pay6", "Payment", payer="src1", beneficiary="hotel", amount="20", currency="EUR", date="2013-07-01"),
        entity("san1", "Sanction", entity="tradeco", program="DPRK3", authority="OFAC"),
    ]
    return rows


def rumour_entities() -> list[dict]:
    return [
        entity("rumoured", "Person", name=NAMES["rumoured"][1]),
        entity("asc1", "Associate", person="patron", associate="rumoured", relationship="drinking companion"),
    ]


def write_lines(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def import_case(store, folder: Path) -> None:
    """Import both files into ``store`` (through the import service, as ``moneymen import`` does)."""
    import_file(store, write_lines(folder / "case.ftm.json", case_entities()), format="ftm", dataset="case",
                grade="B2")
    import_file(store, write_lines(folder / "rumours.ftm.json", rumour_entities()), format="ftm",
                dataset="rumours", grade="E5")
