"""Believes torch.where's unselected branch cannot send a NaN into the gradient."""

ANSWERS = {
    'q1': False,
    'q2': True,
    'q3': 'b',
    'q4': False,
    'q5': 0.25,
    'q6': 'd',
    'q7': True,
    'q8': 'd',
    'q9': True,
    'q10': False,
    'q11': 'c',
    'q12': 5.0,
    'q13': 'a',
}
