"""Services: the use cases the interfaces call (the CLI and the web API only parse, call one, render).

- :mod:`~moneymen.services.imports`: import a file into the store, one transaction each.
- :mod:`~moneymen.services.entities`: read entities and their relations; the store's summary.
- :mod:`~moneymen.services.search`: find entities by name, in every script (``moneymen entities``, ``/search``).
- :mod:`~moneymen.services.screening`: the screener of a store, batch screening of a CSV file;
  :mod:`~moneymen.services.screening_index` keeps its index beside the store.
- :mod:`~moneymen.services.pairs`: score pairs of names from a CSV file.
- :mod:`~moneymen.services.scenarios`: run a scenario against the store's network;
  :mod:`~moneymen.services.scenario_runs` saves runs, reads them back and compares two.
- :mod:`~moneymen.services.disruption`: remove the nodes of an edge list in a strategy's order, step by step.
- :mod:`~moneymen.services.apikeys`: the API key a server requires, from the environment or generated once.
- :mod:`~moneymen.services.demo`: the bundled lists and example network, imported, run and screened.

Services may use every layer below them (store, names, match, graph, analysis, report); nothing
below imports a service.
"""
