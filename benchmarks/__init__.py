"""`make bench`: engine throughput against the book and PyTorch, trainer and UI overheads.

Run with ``python -m benchmarks`` (``--help`` lists the sections and options). Nothing here
is imported by the package or by the tests.
"""
