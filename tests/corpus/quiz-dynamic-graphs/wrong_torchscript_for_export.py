"""Recommends torch.jit.trace for export in torch 2.x."""

ANSWERS = {
    "q1": "b",
    "q2": True,
    "q3": True,
    "q4": 6.0,
    "q5": True,
    "q6": "b",
    "q7": "b",
    "q8": False,
    "q9": "a",
    "q10": "c",
    "q11": "a",
    "q12": False,
}
