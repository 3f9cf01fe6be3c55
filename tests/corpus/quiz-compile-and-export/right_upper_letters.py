"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'B)',
    'q2': True,
    'q3': False,
    'q4': 'B)',
    'q5': 'B)',
    'q6': True,
    'q7': True,
    'q8': False,
    'q9': False,
    'q10': True,
    'q11': 'A)',
    'q12': False,
    'q13': -11.0,
    'q14': False,
}
