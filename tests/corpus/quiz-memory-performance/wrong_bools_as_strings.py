"""Right ideas, but true/false answered as the strings 'True' / 'False'."""

ANSWERS = {
    'q1': 'False',
    'q2': 'False',
    'q3': 'False',
    'q4': 'False',
    'q5': 200,
    'q6': 'True',
    'q7': 'False',
    'q8': 'True',
    'q9': 'True',
    'q10': 'a',
    'q11': 3,
    'q12': 'False',
    'q13': 'False',
    'q14': 'a',
    'q15': 'b',
}
