"""Resolution: which records are the same real-world entity.

:mod:`~moneymen.resolve.judgements` holds the judgement log and the clusters it adds up to;
:mod:`~moneymen.resolve.xref` finds and sorts candidate pairs; :mod:`~moneymen.resolve.nomenklatura`
reads and writes nomenklatura's resolver files.
"""
