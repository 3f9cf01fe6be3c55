"""Gets a third of the true/false items backwards."""

ANSWERS = {
    'q1': True,
    'q2': False,
    'q3': False,
    'q4': True,
    'q5': 200,
    'q6': True,
    'q7': False,
    'q8': False,
    'q9': True,
    'q10': 'a',
    'q11': 3,
    'q12': False,
    'q13': True,
    'q14': 'a',
    'q15': 'b',
}
