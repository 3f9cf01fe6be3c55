"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': False,
    'q2': False,
    'q3': False,
    'q4': False,
    'q5': 200.0,
    'q6': True,
    'q7': False,
    'q8': True,
    'q9': True,
    'q10': 'A)',
    'q11': 3.0,
    'q12': False,
    'q13': False,
    'q14': 'A)',
    'q15': 'B)',
}
