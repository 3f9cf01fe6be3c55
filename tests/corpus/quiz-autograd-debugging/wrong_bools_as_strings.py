"""Right ideas, but true/false answered as the strings 'True' / 'False'."""

ANSWERS = {
    'q1': 'False',
    'q2': 'b',
    'q3': 'False',
    'q4': 'a',
    'q5': 'True',
    'q6': 'True',
    'q7': 'False',
    'q8': 5.0,
    'q9': 'True',
    'q10': 'False',
}
