"""Leaves the last item unanswered."""

ANSWERS = {
    'q1': 'b',
    'q2': True,
    'q3': False,
    'q4': False,
    'q5': 'b',
    'q6': False,
    'q7': False,
    'q8': 'b',
    'q9': False,
    'q10': False,
    'q11': 'a',
    'q12': False,
    'q13': -2.0,
}
