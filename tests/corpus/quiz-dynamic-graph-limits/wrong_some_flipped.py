"""Gets a third of the true/false items backwards."""

ANSWERS = {
    'q1': False,
    'q2': 'b',
    'q3': False,
    'q4': False,
    'q5': 'd',
    'q6': 'b',
    'q7': False,
    'q8': 'b',
    'q9': True,
    'q10': False,
    'q11': True,
    'q12': True,
}
