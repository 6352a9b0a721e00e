"""Speed measurements behind every number the book quotes (``make bench``).

``run.py`` is the entry point; each other module measures one thing and returns a
plain dict that goes into ``results/bench.json``; ``report.py`` turns that JSON
into the tables and the figures of the Performance page.
"""
