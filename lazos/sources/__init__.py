"""Connectors: one module per dataset, each snapshot -> read -> harmonise -> publish.

A connector exposes ``contribution(raw_dir) -> Contribution``: the rows it publishes for the
resources of the data package, every row with its source. ``lazos snapshot`` merges them.
"""
