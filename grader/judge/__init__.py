"""The judge: the trusted side. It never imports or runs learner code.

It starts a worker, chooses every input, asks for numbers over the wire,
and does every comparison itself (``checks``). Graders are pytest tests
run in this process by ``grading.grade`` with the ``plugin`` below.
"""
