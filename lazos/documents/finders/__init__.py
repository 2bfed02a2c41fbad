"""Finders: one module per kind of quantity, each reading what follows (or precedes) a number.

``candidates`` finds the numbers of a sentence; ``extract._claim`` then asks, in order,
``multiples.before``, ``money`` (currency before, scale, currency after), ``percent``,
``physical``, ``durations``, ``multiples.after`` and last ``counts``; ``ranges`` pairs a bare
first number with the claim after it. The words of each language are data in lexicon.yaml.
"""
