"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    'q1': True,
    'q2': 'c',
    'q3': False,
    'q4': False,
    'q5': 'a',
    'q6': 'c',
    'q7': True,
    'q8': 'c',
    'q9': True,
    'q10': False,
    'q11': False,
    'q12': True,
}
