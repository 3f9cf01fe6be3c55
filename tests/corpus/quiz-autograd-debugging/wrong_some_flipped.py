"""Gets a third of the true/false items backwards."""

ANSWERS = {
    'q1': True,
    'q2': 'b',
    'q3': False,
    'q4': 'a',
    'q5': True,
    'q6': False,
    'q7': False,
    'q8': 5.0,
    'q9': True,
    'q10': True,
}
