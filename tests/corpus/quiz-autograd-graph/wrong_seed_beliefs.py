"""The seeds' answers: outputs are leaves, nodes list their dependents, every op makes a node, backward takes targets, forward() is model(x), backprop repeats per layer, finite differences."""

ANSWERS = {
    'q1': True,
    'q2': True,
    'q3': False,
    'q4': True,
    'q5': 'a',
    'q6': True,
    'q7': 'a',
    'q8': True,
    'q9': 12.0,
    'q10': 'b',
    'q11': True,
    'q12': -0.125,
    'q13': True,
    'q14': 'a',
}
