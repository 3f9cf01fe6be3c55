"""Answers as the seeds' text would: autograd caches repeated work, gradcheck is a training-time stabiliser, in-place ops are always forbidden with autograd."""

ANSWERS = {
    'q1': 'b',
    'q2': False,
    'q3': True,
    'q4': 'c',
    'q5': 'd',
    'q6': 'b',
    'q7': True,
    'q8': 'b',
    'q9': True,
    'q10': True,
    'q11': True,
}
