"""Many runs at once: the book's experiments (`reproduce`) and grids of runs (`sweep`).

Runs go through the standard ``concurrent.futures`` interface, to local worker processes
or to a Dask cluster. Only NumPy, the trainer and rich's tables: never Textual.
"""
