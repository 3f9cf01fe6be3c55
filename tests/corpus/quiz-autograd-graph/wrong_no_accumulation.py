"""Everything right except that .grad accumulates: answers 6 for two backward calls."""

ANSWERS = {
    "q1": True,
    "q2": False,
    "q3": False,
    "q4": True,
    "q5": "b",
    "q6": False,
    "q7": "b",
    "q8": False,
    "q9": 6.0,
    "q10": "b",
    "q11": False,
    "q12": -0.125,
    "q13": True,
    "q14": "c",
}
