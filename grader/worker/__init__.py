"""The worker: the only process that runs learner code.

It imports nothing from ``grader.judge``; it learns what to do from wire
messages and answers with plain values and tensors. Nothing it says is
trusted: the judge re-checks every number.
"""
