"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': False,
    'q2': 'B)',
    'q3': False,
    'q4': 'A)',
    'q5': True,
    'q6': True,
    'q7': False,
    'q8': 5.0,
    'q9': True,
    'q10': False,
}
