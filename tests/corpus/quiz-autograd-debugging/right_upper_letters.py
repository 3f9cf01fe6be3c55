"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'A)',
    'q2': 'B)',
    'q3': False,
    'q4': 30.0,
    'q5': True,
    'q6': True,
    'q7': 'B)',
    'q8': True,
    'q9': False,
    'q10': False,
}
