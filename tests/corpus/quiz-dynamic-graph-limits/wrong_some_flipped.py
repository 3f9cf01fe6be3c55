"""Gets a third of the true/false items backwards."""

ANSWERS = {
    "q1": "b",
    "q2": True,
    "q3": False,
    "q4": "a",
    "q5": "d",
    "q6": "b",
    "q7": True,
    "q8": "b",
    "q9": False,
    "q10": True,
    "q11": False,
}
