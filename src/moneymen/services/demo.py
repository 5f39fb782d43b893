"""The demo: build an evidence store from the bundled DPRK-program list extracts and the
illustrative example network (:mod:`moneymen.data` lists them), read the example news report, run
the example purge scenario on it and screen a few names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from moneymen.data import BUNDLED, EXAMPLE_NETWORK, BundledList, example_scenario_path
from moneymen.services.imports import ImportResult, import_file
from moneymen.store import Store

if TYPE_CHECKING:  # the analyses load only when the scenario runs
    from moneymen.analysis.results import ScenarioRun
    from moneymen.services.scenarios import Progress


def import_example(store: Store, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import the illustrative example network into ``store`` (a no-op when already imported)."""
    bundled = EXAMPLE_NETWORK
    return import_file(store, bundled.path, format=bundled.format, dataset=bundled.dataset, seen=bundled.seen,
                       grade=bundled.grade, progress=progress)


def run_example_scenario(store: Store, report_dir: Path | None = None,
                         progress: Progress | None = None) -> tuple[ScenarioRun, Path]:
    """Run the example scenario on ``store``, save the run and write its HTML report.

    Returns ``(run, report_path)``. The report goes to ``report_dir`` (default: the store's own
    folder of reports, ``reports/STORE/`` beside it: see :func:`moneymen.report.report_path`).
    """
    from moneymen.analysis.scenario import Scenario
    from moneymen.report import report_path, write_report
    from moneymen.services.scenario_runs import save_run
    from moneymen.services.scenarios import run_scenario

    scenario = Scenario.from_file(example_scenario_path())
    run = run_scenario(store, scenario, progress=progress)
    run_id = save_run(store, run)
    path = report_path(store.location, example_scenario_path().stem, run_id)
    if report_dir is not None:
        path = report_dir / path.name
    return run, write_report(run, path)


def read_example_report(store: Store):
    """Read the bundled example report into ``store`` (stored once): its mentions linked to the
    example network's entities, its claims in the review queue. Returns the ReadResult."""
    from moneymen.data import (EXAMPLE_REPORT_DATE, EXAMPLE_REPORT_OUTLET, EXAMPLE_REPORT_RELIABILITY,
                               example_report_path)
    from moneymen.services.reading import read_source

    results, _ = read_source(store, str(example_report_path()), outlet=EXAMPLE_REPORT_OUTLET,
                             date=EXAMPLE_REPORT_DATE, reliability=EXAMPLE_REPORT_RELIABILITY)
    return results[0]


def import_bundled(store: Store, progress: Callable[[BundledList], Callable[[int, int], None]] | None = None
                   ) -> list[ImportResult]:
    """Import every bundled list into ``store`` (a no-op for those already imported)."""
    results = []
    for bundled in BUNDLED:
        callback = progress(bundled) if progress else None
        results.append(import_file(store, bundled.path, format=bundled.format, dataset=bundled.dataset,
                                   seen=bundled.seen, progress=callback))
    return results


#: Queries the demo screens, to show cross-script and cross-romanization matching on real entries.
EXAMPLE_QUERIES = (
    ("Person", "윤호진"),             # Hangul for the UN's YUN HO-JIN (KPi.001)
    ("Person", "Ri Che-son"),          # another romanization of RI JE-SON (KPi.002)
    ("Organization", "KOMID"),         # OFAC's a.k.a. of Korea Mining Development Trading Corporation
    ("Organization", "Korea Kwangson Banking Corp."),
)


def example_screenings(store: Store) -> list[tuple[str, list]]:
    """Screen the example queries against the store: (query, results) for each."""
    from moneymen.match.profiles import Profile
    from moneymen.services.screening import screener_of_store

    screener = screener_of_store(store)
    return [(name, screener.screen(Profile.from_properties(schema, {"name": [name]}), limit=2))
            for schema, name in EXAMPLE_QUERIES]
