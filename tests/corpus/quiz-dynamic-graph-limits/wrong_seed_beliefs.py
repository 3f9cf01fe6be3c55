"""Answers as the seeds' text would: debugging is hard, autograd caches repeated work, gradcheck stabilises training, exploding gradients are a dynamic-graph problem."""

ANSWERS = {
    'q1': False,
    'q2': 'b',
    'q3': True,
    'q4': True,
    'q5': 'd',
    'q6': 'b',
    'q7': True,
    'q8': 'b',
    'q9': True,
    'q10': False,
    'q11': True,
    'q12': True,
}
