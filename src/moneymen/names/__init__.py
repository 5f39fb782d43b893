"""Name analysis: scripts, romanization systems and readings of names (see ``names.korean``)."""
