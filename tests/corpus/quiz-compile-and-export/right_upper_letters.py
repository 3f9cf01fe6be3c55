"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'B)',
    'q2': True,
    'q3': False,
    'q4': False,
    'q5': 'B)',
    'q6': False,
    'q7': False,
    'q8': 'B)',
    'q9': False,
    'q10': False,
    'q11': 'A)',
    'q12': False,
    'q13': -2.0,
    'q14': False,
}
