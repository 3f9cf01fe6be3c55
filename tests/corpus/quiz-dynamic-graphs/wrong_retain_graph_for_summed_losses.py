"""Thinks two losses over a shared trunk always need retain_graph, even summed into one backward."""

ANSWERS = {
    "q1": "b",
    "q2": True,
    "q3": True,
    "q4": 6.0,
    "q5": True,
    "q6": "b",
    "q7": "b",
    "q8": False,
    "q9": "b",
    "q10": "a",
    "q11": "a",
    "q12": False,
}
