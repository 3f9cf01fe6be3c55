"""Picks the option after the right one in every multiple-choice item (and numbers off by one)."""

ANSWERS = {
    'q1': False,
    'q2': 'c',
    'q3': False,
    'q4': 'b',
    'q5': True,
    'q6': True,
    'q7': False,
    'q8': 6.0,
    'q9': True,
    'q10': False,
}
