"""Name analysis: scripts, romanization systems and readings of names (``names.korean``, ``names.chinese``)."""
