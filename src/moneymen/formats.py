"""The names of the formats moneymen reads, without the readers.

The command line lists them in its help, which must come up without importing followthemoney,
DuckDB or networkx. The formats themselves are :data:`moneymen.sources.FORMATS` (importers);
``tests/test_cli_store_files.py`` checks that the importers' names are these. The export formats
are a registry of their own, light enough to read for the help: :data:`moneymen.graph.exporters.EXPORTERS`.
"""

#: What ``moneymen import --format`` takes.
IMPORT_FORMATS = ("un", "ofac", "opensanctions", "ftm", "csv")
