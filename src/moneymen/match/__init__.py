"""Matching: scores with explanations, the candidate index and the screener.

- :mod:`~moneymen.match.names` — two analysed names compared (Korean syllables, Chinese readings,
  words and their spellings), with the parts that explain the score;
- :mod:`~moneymen.match.profiles` — two profiles compared (names, birth dates, countries, gender,
  identifiers), the decision and its evidence;
- :mod:`~moneymen.match.index` and :mod:`~moneymen.match.index_file` — the candidate index over
  many entities, built in arrays and saved memory-mappable;
- :mod:`~moneymen.match.screener` — queries screened against listed entities through the index;
- :mod:`~moneymen.match.schemata` — which FtM schemata can match which.

Name analysis (what a name is made of) is :mod:`moneymen.names`'s; nothing here reads the store.
"""
