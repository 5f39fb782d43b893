"""Name analysis: a name as the matcher sees it (``names.forms``: ``analyse``, ``NameForm``), its
words in ASCII (``names.tokens``), qualifiers in brackets (``names.qualifiers``), organisations'
legal forms and words (``names.orgs``; the word lists are data in ``data/``, read by
``names.wordlists``), and the scripts, romanization systems and readings of Korean and Chinese
names (``names.korean``, ``names.chinese``). Comparing and scoring names is ``moneymen.match``'s."""
