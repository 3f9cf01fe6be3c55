"""prep: PyTorch interview exercises, graded numerically and out of process.

The package has two halves that never import each other:

* ``grader.worker`` runs learner code in a separate, limited process;
* ``grader.judge`` chooses inputs, asks the worker for numbers, and decides the score.

They talk only through ``grader.wire``. Everything else (exercise format,
progress, the library API the CLI calls) sits on the judge's side.
Importing this package is cheap: nothing here imports torch.
"""

__version__ = "0.1.0"
