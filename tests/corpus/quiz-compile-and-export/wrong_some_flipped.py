"""Gets a third of the true/false items backwards."""

ANSWERS = {
    "q1": "b",
    "q2": False,
    "q3": False,
    "q4": "b",
    "q5": "b",
    "q6": True,
    "q7": False,
    "q8": False,
    "q9": False,
    "q10": False,
    "q11": "a",
    "q12": False,
    "q13": -11.0,
    "q14": False,
}
