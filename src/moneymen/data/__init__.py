"""The data shipped inside the package: two official list extracts (DPRK programs), the
illustrative example network, the example scenario and the example news report (licences in
``NOTICE.md``), and where each one is."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class BundledList:
    """A list extract shipped inside the package (see ``moneymen/data/NOTICE.md``)."""

    file: str
    format: str
    dataset: str
    seen: str | None  # when the list says nothing of its own date
    description: str
    #: The best grade the import grants; each statement keeps its own grade where that is worse.
    grade: str | None = None

    @property
    def path(self) -> Path:
        """Where the file is inside the installed package."""
        return Path(str(resources.files("moneymen.data") / self.file))


BUNDLED = (
    BundledList("ofac_sdn_dprk_2024-05-03.csv", "ofac", "us_ofac_sdn", "2024-05-03T00:00:00Z",
                "OFAC SDN list, DPRK programs, 2024-05-03"),
    BundledList("un_sc_dprk_2025-11-20.xml", "un", "un_sc", None,
                "UN Security Council consolidated list, DPRK (1718) regime, 2025-11-20"),
)

#: The illustrative case file (fictional apart from Jang Song-thaek and his department; see
#: ``tools/build_example_network.py``) and the scenario the demo runs on it.
EXAMPLE_NETWORK = BundledList("example_network.jsonl", "ftm", "moneymen_example", "2013-12-20T00:00:00Z",
                              "illustrative example network (fictional), moneymen",
                              grade="B1")  # our own file: its statements' grades (B2 … E5) stand
EXAMPLE_SCENARIO = "example_purge.toml"
#: The demo's example news report (fiction, written for moneymen) and what the demo reads it as.
EXAMPLE_REPORT = "example_report.txt"
EXAMPLE_REPORT_OUTLET = "Example Wire"
EXAMPLE_REPORT_DATE = "2013-12-16"
#: The reliability the demo gives the example outlet, which the outlet table does not know (it would be F).
EXAMPLE_REPORT_RELIABILITY = "B"


def example_report_path() -> Path:
    """Where the bundled example report is."""
    return Path(str(resources.files("moneymen.data") / EXAMPLE_REPORT))


def example_scenario_path() -> Path:
    """Where the bundled example scenario file is."""
    return Path(str(resources.files("moneymen.data") / EXAMPLE_SCENARIO))
