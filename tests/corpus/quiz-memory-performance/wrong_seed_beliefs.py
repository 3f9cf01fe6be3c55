"""Answers as the seeds' text would: empty_cache frees used memory, ipmt exists, checkpoint is automatic, a GPU reduces memory, memory_allocated pre-allocates."""

ANSWERS = {
    'q1': True,
    'q2': True,
    'q3': True,
    'q4': True,
    'q5': 200,
    'q6': True,
    'q7': False,
    'q8': True,
    'q9': True,
    'q10': 'a',
    'q11': 3,
    'q12': True,
    'q13': True,
    'q14': 'a',
    'q15': 'b',
}
