"""The book's tooling: it builds, executes, evaluates, benchmarks and packages the book.

Run from the repository root as ``python -m tools.<name>``. It imports the lesson
(:mod:`vi_helpers`); the lesson never imports it.
"""
