"""Counts the LSTM's parameters as if it had one gate (640) and mixes up out and h_n."""

ANSWERS = {
    'q1': True,
    'q2': True,
    'q3': 2.0,
    'q4': 0.0,
    'q5': False,
    'q6': False,
    'q7': 'a',
    'q8': False,
    'q9': True,
    'q10': 'b',
    'q11': False,
    'q12': 640,
}
