"""prep in Jupyter and nbgrader: the in-kernel check, nbgrader course export and gradebook, the
learner loop (``prep watch``, the ``prep score --html`` page). See docs/jupyter.md.

grader.jupyter may import grader.api and grader.judge; nothing in grader.judge or grader.worker
imports grader.jupyter.
"""
