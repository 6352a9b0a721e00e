"""Speed measurements behind every number the book quotes (``make bench``).

``run.py`` is the entry point; each measuring module measures one thing and returns
a plain dict that goes into ``results/bench.json``; ``report.py`` and ``figures.py``
turn that JSON into the Performance page's tables and figures. The page's sentences
are written by hand (``tests/test_performance_page.py`` holds them to the JSON).
"""
