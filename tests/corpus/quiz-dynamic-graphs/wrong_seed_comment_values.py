"""Believes the seed's comment: [1,2,3] * [4,5,6] is [16, 25, 36]."""

ANSWERS = {
    'q1': 'a',
    'q2': True,
    'q3': True,
    'q4': 6.0,
    'q5': True,
    'q6': 'b',
    'q7': 'b',
    'q8': False,
    'q9': 'b',
    'q10': 'c',
    'q11': 'a',
    'q12': False,
}
