"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    'q1': False,
    'q2': False,
    'q3': False,
    'q4': False,
    'q5': 201,
    'q6': True,
    'q7': False,
    'q8': True,
    'q9': True,
    'q10': 'b',
    'q11': 4,
    'q12': False,
    'q13': False,
    'q14': 'b',
    'q15': 'c',
}
