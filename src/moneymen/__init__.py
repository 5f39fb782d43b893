"""moneymen: map illicit financial networks from open sources and stress-test them."""

__version__ = "0.1.0"
