"""Gets a third of the true/false items backwards."""

ANSWERS = {
    "q1": True,
    "q2": True,
    "q3": True,
    "q4": "d",
    "q5": 200,
    "q6": False,
    "q7": False,
    "q8": True,
    "q9": False,
    "q10": "a",
    "q11": 16000000,
    "q12": True,
    "q13": True,
    "q14": "a",
    "q15": "b",
}
