"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': True,
    'q2': 'B)',
    'q3': False,
    'q4': False,
    'q5': 'D)',
    'q6': 'B)',
    'q7': True,
    'q8': 'B)',
    'q9': True,
    'q10': False,
    'q11': False,
    'q12': True,
}
