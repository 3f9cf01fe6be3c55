"""Instructor batch grading (`prep grade`): the same graders as `prep check`, many submissions, the
strong sandbox, and a results store that never loses a grade.

A pipeline of small steps: ``discover`` finds the submissions, ``canaries`` checks the graders
before the batch, ``runner`` grades (resumably, in parallel), ``store`` keeps each result,
``export`` writes the gradebook, reports and the formats other tools read. ``gradescope`` builds a
Gradescope autograder that grades one submission with the same judge.
"""
