"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': False,
    'q2': True,
    'q3': True,
    'q4': 'D)',
    'q5': 200.0,
    'q6': True,
    'q7': False,
    'q8': True,
    'q9': True,
    'q10': 'A)',
    'q11': 16000000.0,
    'q12': True,
    'q13': True,
    'q14': 'A)',
    'q15': 'B)',
}
