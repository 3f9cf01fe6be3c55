"""Leaves the last item unanswered."""

ANSWERS = {
    'q1': 'b',
    'q2': False,
    'q3': 0.25,
    'q4': False,
    'q5': False,
    'q6': False,
    'q7': 'b',
    'q8': True,
    'q9': 'b',
    'q10': False,
    'q11': True,
    'q12': False,
    'q13': 'b',
}
