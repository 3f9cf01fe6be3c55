"""Believes model.forward(x) runs the forward hooks like model(x)."""

ANSWERS = {
    "q1": True,
    "q2": False,
    "q3": False,
    "q4": True,
    "q5": "b",
    "q6": False,
    "q7": "b",
    "q8": True,
    "q9": 12.0,
    "q10": "b",
    "q11": False,
    "q12": -0.125,
    "q13": True,
    "q14": "c",
}
