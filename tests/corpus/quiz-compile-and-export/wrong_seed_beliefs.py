"""Answers as the seeds' text would: export keeps both branches like a static graph, fork runs branches in parallel, static graphs forbid custom ops, a traced branch runs for every input."""

ANSWERS = {
    'q1': 'a',
    'q2': True,
    'q3': False,
    'q4': 'b',
    'q5': 'b',
    'q6': True,
    'q7': True,
    'q8': True,
    'q9': False,
    'q10': False,
    'q11': 'a',
    'q12': False,
    'q13': -2.0,
    'q14': False,
}
