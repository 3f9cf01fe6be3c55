"""Gets a third of the true/false items backwards."""

ANSWERS = {
    "q1": "b",
    "q2": True,
    "q3": "a",
    "q4": False,
    "q5": False,
    "q6": True,
    "q7": False,
    "q8": False,
    "q9": False,
    "q10": False,
    "q11": "b",
    "q12": True,
    "q13": True,
}
