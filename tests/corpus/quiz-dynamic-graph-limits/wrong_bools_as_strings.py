"""Right ideas, but true/false answered as the strings 'True' / 'False'."""

ANSWERS = {
    'q1': 'True',
    'q2': 'b',
    'q3': 'False',
    'q4': 'False',
    'q5': 'd',
    'q6': 'b',
    'q7': 'True',
    'q8': 'b',
    'q9': 'True',
    'q10': 'False',
    'q11': 'False',
    'q12': 'True',
}
