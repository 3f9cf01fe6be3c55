"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'B)',
    'q2': False,
    'q3': 27.0,
    'q4': False,
    'q5': False,
    'q6': False,
    'q7': 12.0,
    'q8': True,
    'q9': True,
    'q10': True,
    'q11': False,
}
