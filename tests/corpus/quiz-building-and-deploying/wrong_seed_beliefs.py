"""Answers as the seeds' text would: a pickled model loads as is, new layers are trained automatically, no_grad is inference mode, Conv2d gets quantized, a seed makes runs reproducible, reduce after the step, DataParallel is model parallelism."""

ANSWERS = {
    'q1': 'a',
    'q2': True,
    'q3': 'a',
    'q4': False,
    'q5': True,
    'q6': True,
    'q7': False,
    'q8': False,
    'q9': True,
    'q10': True,
    'q11': 'a',
    'q12': True,
    'q13': True,
}
