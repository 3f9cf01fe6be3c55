"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'B)',
    'q2': False,
    'q3': False,
    'q4': 'A)',
    'q5': 'D)',
    'q6': 'B)',
    'q7': True,
    'q8': 'B)',
    'q9': True,
    'q10': True,
    'q11': False,
}
