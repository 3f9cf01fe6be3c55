"""Right ideas, but true/false answered as the strings 'True' / 'False'."""

ANSWERS = {
    'q1': 'b',
    'q2': 'True',
    'q3': 'False',
    'q4': 'b',
    'q5': 'b',
    'q6': 'True',
    'q7': 'True',
    'q8': 'False',
    'q9': 'False',
    'q10': 'True',
    'q11': 'a',
    'q12': 'False',
    'q13': -11.0,
    'q14': 'False',
}
