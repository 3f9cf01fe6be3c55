"""Gets a third of the true/false items backwards."""

ANSWERS = {
    'q1': 'b',
    'q2': False,
    'q3': False,
    'q4': False,
    'q5': 'b',
    'q6': True,
    'q7': False,
    'q8': 'b',
    'q9': False,
    'q10': True,
    'q11': 'a',
    'q12': False,
    'q13': -2.0,
    'q14': False,
}
