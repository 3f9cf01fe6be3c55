"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'B)',
    'q2': False,
    'q3': 'A)',
    'q4': False,
    'q5': False,
    'q6': False,
    'q7': False,
    'q8': False,
    'q9': True,
    'q10': False,
    'q11': 'B)',
    'q12': True,
    'q13': False,
}
