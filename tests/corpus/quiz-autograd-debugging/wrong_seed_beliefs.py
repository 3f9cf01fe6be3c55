"""Answers as the seeds' text would: a loss that cannot back-propagate just gives no gradient, anomaly mode flags forward NaNs, zero_grad() fills zeros, dropout is deterministic."""

ANSWERS = {
    'q1': 'd',
    'q2': 'b',
    'q3': True,
    'q4': 30.0,
    'q5': True,
    'q6': True,
    'q7': 'a',
    'q8': True,
    'q9': False,
    'q10': True,
}
