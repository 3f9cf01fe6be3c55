"""Correct answers written differently: 'B)', floats for counts, 1 / 4."""

ANSWERS = {
    'q1': 'B)',
    'q2': 28.0,
    'q3': 15,
    'q4': False,
    'q5': True,
    'q6': False,
    'q7': 0.25,
    'q8': 3,
    'q9': 16.0,
}
