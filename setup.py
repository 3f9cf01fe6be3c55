"""Build hook: put the checkout's bank into the wheel as the built-in course.

The checkout keeps its layout (top-level exercises/ and solutions/, which authors edit and the
tests read). A wheel has no checkout around it, so building one copies both folders to
grader/builtin_course/, where an installed prep finds them through importlib.resources
(grader/bank.py). Everything else about the package is declared in pyproject.toml; MANIFEST.in
puts the two folders into the sdist, so a wheel built from the sdist has them too.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BANK_FOLDERS = ("exercises", "solutions")
# bytecode from grading runs and editor leftovers are not part of an exercise
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".*", "*~", "*.swp")


class BuildPyWithBuiltinCourse(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "grader" / "builtin_course"
        if target.exists():  # a stale copy from an earlier build must not leak removed exercises
            shutil.rmtree(target)
        for name in BANK_FOLDERS:
            shutil.copytree(HERE / name, target / name, ignore=NOT_SHIPPED)


setup(cmdclass={"build_py": BuildPyWithBuiltinCourse})
