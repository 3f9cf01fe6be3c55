"""Answers as the seeds' text would: the graph adapts itself, models are 'dynamic-graph models', autodiff needs dynamic graphs, serving records a graph per request."""

ANSWERS = {
    'q1': 'b',
    'q2': True,
    'q3': 27.0,
    'q4': True,
    'q5': True,
    'q6': True,
    'q7': 12.0,
    'q8': True,
    'q9': True,
    'q10': True,
    'q11': True,
}
