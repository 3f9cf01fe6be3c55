"""Answers as the seeds' text would: make_dot is in torch.autograd.functional, anomaly mode flags forward NaNs, clipping fixes vanishing gradients, dropout is deterministic."""

ANSWERS = {
    'q1': True,
    'q2': 'b',
    'q3': True,
    'q4': 'a',
    'q5': True,
    'q6': True,
    'q7': True,
    'q8': 5.0,
    'q9': True,
    'q10': True,
}
