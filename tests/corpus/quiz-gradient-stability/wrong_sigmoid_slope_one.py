"""Takes sigmoid's largest slope to be 1 (like ReLU's) and the deep ratio to be about 1e-2."""

ANSWERS = {
    'q1': False,
    'q2': True,
    'q3': 'b',
    'q4': False,
    'q5': 1.0,
    'q6': 'b',
    'q7': False,
    'q8': 'd',
    'q9': True,
    'q10': False,
    'q11': 'c',
    'q12': 5.0,
    'q13': 'a',
}
