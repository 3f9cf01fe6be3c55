"""A gradcheck's worker calls are sent ahead together (``Learner.rehearse``), and nothing about the check changes.

gradcheck calls a learner's remote function dozens of times. The calls do not depend on the answers, so the judge
rehearses the check with stand-in answers, sends the recorded requests down the pipe at once
(``WorkerSession.pipeline``) and runs the check for real on the worker's replies. These tests hold it to that
promise: the worker sees the same calls in the same order, the verdicts and messages are the same, a learner's
error or a hang still lands on the call that caused it, and fewer round trips are paid."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import torch

from grader.judge.checks import CheckFailure, check_gradients
from grader.judge.remote import Learner
from grader.judge.session import Limits, WorkerDied, WorkerSession

LOGGED_SCALE = '''
import time
import torch

CALLS = []  # what the worker was asked, in order: (level, the inputs' values)
FAIL_AT = None  # a call number that raises
HANG_AT = None  # a call number that never returns
FACTOR = 3.0  # the derivative backward claims: 3 is right


def seen():
    return [(level, [round(v, 12) for v in values]) for level, values in CALLS]


def _count(level, *tensors):
    CALLS.append((level, [float(v) for t in tensors for v in t.detach().reshape(-1)]))
    if FAIL_AT is not None and len(CALLS) == FAIL_AT:
        raise ValueError(f"call {len(CALLS)} fails on purpose")
    if HANG_AT is not None and len(CALLS) == HANG_AT:
        while True:
            time.sleep(1)


class Scale(torch.autograd.Function):
    """y = 3 x * w (x and w broadcast); its backward is built from differentiable operations."""

    @staticmethod
    def forward(ctx, x, w):
        _count(0, x, w)
        ctx.save_for_backward(x, w)
        return 3.0 * x * w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        _count(1, g)
        return (FACTOR * g * w).sum_to_size(x.shape), (3.0 * g * x).sum_to_size(w.shape)
'''


def _learner(worker_pool, source, limits=None):
    session = WorkerSession(limits=limits or Limits(), pool=worker_pool)
    session.start()
    session.wait_ready()
    session.request({"op": "load", "source": source, "filename": "scale.py", "probes": None})
    return Learner(session, source)


def _counting(learner):
    """Count the judge's round trips: single requests, and the requests pipelines sent together (and answered)."""
    counts = {"single": 0, "ahead": 0, "pipelines": 0}
    single, ahead = learner.session.request_encoded, learner.session.pipeline

    def request_encoded(body, **kwargs):
        counts["single"] += 1
        return single(body, **kwargs)

    def pipeline(bodies, **kwargs):
        replies = ahead(bodies, **kwargs)
        counts["ahead"] += len(replies)
        counts["pipelines"] += 1
        return replies

    learner.session.request_encoded, learner.session.pipeline = request_encoded, pipeline
    return counts


def _one_at_a_time(monkeypatch):
    monkeypatch.setattr(Learner, "rehearse", lambda self, run: run())


def _check(learner, seed=0):
    fn = learner.function("Scale.apply")
    torch.manual_seed(seed)
    x = torch.randn(3, 1, dtype=torch.float64, requires_grad=True)
    w = torch.randn(1, 4, dtype=torch.float64, requires_grad=True)
    check_gradients(fn, (x, w), what="Scale", reference=lambda a, b: 3.0 * a * b, second_order=True, fast=True)


def _run(worker_pool, monkeypatch, source, mode):
    """(the check's verdict, the calls the worker saw, the round trips counted) for one way of sending the calls."""
    learner = _learner(worker_pool, source)
    try:
        counts = _counting(learner)
        with monkeypatch.context() as patched:
            if mode == "one at a time":
                _one_at_a_time(patched)
            try:
                _check(learner)
                verdict = "passed"
            except CheckFailure as failure:
                verdict = str(failure)
        return verdict, learner.call("seen"), dict(counts)
    finally:
        learner.session.close()


@pytest.mark.parametrize("source", [LOGGED_SCALE, LOGGED_SCALE.replace("FACTOR = 3.0", "FACTOR = 3.3")],
                         ids=["right", "wrong backward"])
def test_the_worker_sees_the_same_calls_and_the_check_the_same_verdict(worker_pool, monkeypatch, source):
    verdict, seen, counts = _run(worker_pool, monkeypatch, source, "ahead")
    verdict_alone, seen_alone, counts_alone = _run(worker_pool, monkeypatch, source, "one at a time")
    assert verdict == verdict_alone
    assert (verdict == "passed") == (source == LOGGED_SCALE)
    if verdict == "passed":
        assert seen == seen_alone and len(seen) > 20
        assert counts["single"] + counts["ahead"] == counts_alone["single"]
        assert counts["single"] <= counts_alone["single"] // 4, (counts, counts_alone)
    else:
        # A failing fast check goes on to slow mode for its report: calls the rehearsal could not foresee, made one
        # at a time after the ones sent ahead (which the real run then no longer needed). Every call the check made
        # alone was made here too.
        made = Counter((level, tuple(values)) for level, values in seen)
        assert not Counter((level, tuple(values)) for level, values in seen_alone) - made


def test_past_the_bytes_kept_for_replies_the_rest_of_the_calls_go_one_at_a_time(worker_pool, monkeypatch):
    """A worker that answers with big tensors cannot fill the judge's memory with replies sent ahead: once they pass
    PIPELINE_KEPT_BYTES, nothing more is sent ahead, and the check goes on one call at a time, unchanged."""
    monkeypatch.setattr(WorkerSession, "PIPELINE_KEPT_BYTES", 1)
    monkeypatch.setattr(WorkerSession, "PIPELINE_WINDOW", 3)
    verdict, seen, counts = _run(worker_pool, monkeypatch, LOGGED_SCALE, "ahead")
    _, seen_alone, counts_alone = _run(worker_pool, monkeypatch, LOGGED_SCALE, "one at a time")
    assert verdict == "passed" and seen == seen_alone
    # each pipeline sends one window (3), and keeps all three replies, which are past the bytes kept
    assert 0 < counts["ahead"] <= 3 * counts["pipelines"] < counts["single"]
    assert counts["single"] + counts["ahead"] == counts_alone["single"]


def test_a_learner_error_in_calls_sent_ahead_is_raised_at_its_own_call(worker_pool, monkeypatch):
    messages = {}
    for mode in ("ahead", "one at a time"):
        learner = _learner(worker_pool, LOGGED_SCALE.replace("FAIL_AT = None", "FAIL_AT = 9"))
        try:
            if mode == "one at a time":
                _one_at_a_time(monkeypatch)
            with pytest.raises(Exception) as raised:
                _check(learner)
            monkeypatch.undo()
            messages[mode] = (type(raised.value).__name__, str(raised.value))
        finally:
            learner.session.close()
    assert messages["ahead"] == messages["one at a time"]
    assert "call 9 fails on purpose" in messages["ahead"][1]


def test_a_call_that_hangs_among_calls_sent_ahead_is_timed_out_like_one_sent_alone(worker_pool):
    learner = _learner(worker_pool, LOGGED_SCALE.replace("HANG_AT = None", "HANG_AT = 12"), Limits(call_s=2.0))
    try:
        started = time.monotonic()
        with pytest.raises(WorkerDied) as died:
            _check(learner)
        assert died.value.status == "timeout"
        assert time.monotonic() - started < 2.0 * 4 + 5  # the call's limit (stretched at most 4x under load)
        assert learner.session.died is died.value
    finally:
        learner.session.close()


def test_calls_inside_a_measured_block_are_never_sent_ahead(worker_pool):
    learner = _learner(worker_pool, LOGGED_SCALE)
    try:
        counts = _counting(learner)
        with learner.measure():
            _check(learner)
        assert counts["ahead"] == 0 and counts["single"] > 20
    finally:
        learner.session.close()
