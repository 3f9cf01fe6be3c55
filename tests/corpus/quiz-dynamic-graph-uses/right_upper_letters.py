"""All right, with letters written as 'B)' and numbers as floats."""

ANSWERS = {
    'q1': 'B)',
    'q2': False,
    'q3': 0.25,
    'q4': False,
    'q5': False,
    'q6': False,
    'q7': 'B)',
    'q8': True,
    'q9': 'B)',
    'q10': False,
    'q11': True,
    'q12': False,
    'q13': 'B)',
    'q14': True,
}
