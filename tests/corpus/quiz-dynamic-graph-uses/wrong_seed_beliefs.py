"""Answers as the seeds' text would: the graph adapts itself, models are 'dynamic-graph models', autodiff needs dynamic graphs, RL is vision, BERT was PyTorch."""

ANSWERS = {
    'q1': 'b',
    'q2': True,
    'q3': 0.25,
    'q4': True,
    'q5': True,
    'q6': False,
    'q7': 'b',
    'q8': True,
    'q9': 'b',
    'q10': True,
    'q11': False,
    'q12': False,
    'q13': 'b',
    'q14': True,
}
