"""Answers as the seeds' text would: no zero_grad, new layers are trained automatically, load_from_checkpoint is built in, Conv2d gets quantized, ReLU in question 13, reduce after the step."""

ANSWERS = {
    'q1': 'b',
    'q2': True,
    'q3': 6.0,
    'q4': True,
    'q5': False,
    'q6': True,
    'q7': True,
    'q8': False,
    'q9': True,
    'q10': True,
    'q11': 'a',
    'q12': True,
    'q13': False,
}
