"""All right, spelled differently: capital letters, "b)", an int for 6.0, spaces."""

ANSWERS = {
    "q1": "B",
    "q2": True,
    "q3": True,
    "q4": 6,
    "q5": True,
    "q6": "b)",
    "q7": "b",
    "q8": False,
    "q9": "b",
    "q10": "C",
    "q11": " a ",
    "q12": False,
}
