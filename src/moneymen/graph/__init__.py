"""The network over the store's entities: the analysis view and its exports.

- :mod:`~moneymen.graph.view` — :class:`~moneymen.graph.view.NetworkView`: entities as numbered
  nodes, relations (relationship entities and ties stated as properties) as one edge table;
- :mod:`~moneymen.graph.builder` — the view built from the store or from entities, filtered;
- :mod:`~moneymen.graph.exporters` — the export formats, a registry (name → writer, suffix, description);
- :mod:`~moneymen.graph.export` — their writers: the store written as FtM or CSV, and the view (built with
  ``details=True``) as GraphML, GEXF or Cytoscape JSON.
"""
