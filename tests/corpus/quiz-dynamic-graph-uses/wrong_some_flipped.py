"""Gets a third of the true/false items backwards."""

ANSWERS = {
    "q1": "b",
    "q2": True,
    "q3": 27.0,
    "q4": False,
    "q5": False,
    "q6": True,
    "q7": 12.0,
    "q8": True,
    "q9": True,
    "q10": False,
    "q11": False,
}
