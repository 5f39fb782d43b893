"""The names of the formats moneymen reads and writes, without the readers and writers.

The command line lists them in its help, which must come up without importing followthemoney,
DuckDB or networkx. The formats themselves are :data:`moneymen.sources.FORMATS` (importers) and
:mod:`moneymen.graph.export` (exports, which take their names from here);
``tests/test_cli_store_files.py`` checks that the importers' names are these.
"""

#: What ``moneymen import --format`` takes.
IMPORT_FORMATS = ("un", "ofac", "opensanctions", "ftm", "csv")
#: What ``moneymen export --format`` takes.
EXPORT_FORMATS = ("ftm", "csv", "graphml", "gexf", "cytoscape")
