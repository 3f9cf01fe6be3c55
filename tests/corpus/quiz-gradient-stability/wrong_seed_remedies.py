"""The seed's answer: Adam and L1/L2 regularisation fix vanishing gradients, clipping limits each value."""

ANSWERS = {
    'q1': True,
    'q2': True,
    'q3': 'b',
    'q4': True,
    'q5': 0.25,
    'q6': 'd',
    'q7': False,
    'q8': 'a',
    'q9': False,
    'q10': True,
    'q11': 'c',
    'q12': 5.0,
    'q13': 'a',
}
