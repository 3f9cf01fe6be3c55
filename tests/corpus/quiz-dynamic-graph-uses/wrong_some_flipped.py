"""Gets a third of the true/false items backwards."""

ANSWERS = {
    'q1': 'b',
    'q2': True,
    'q3': 0.25,
    'q4': False,
    'q5': False,
    'q6': True,
    'q7': 'b',
    'q8': True,
    'q9': 'b',
    'q10': False,
    'q11': False,
    'q12': False,
    'q13': 'b',
    'q14': True,
}
