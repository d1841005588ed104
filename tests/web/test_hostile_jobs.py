"""Issue #14 item 5: a page that starts a job never answers 500 once the job exists (an operator
who retries would run it twice), and a job's card and page render while it runs."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console import db
from console.models import Job

BATCH = {"recipients": "alice bob", "el-0-type": "text", "el-0-Text": "hello", "as_job": "1"}


@pytest.fixture
def users(sandbox):
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "bob"]})


def _jobs(app) -> list[Job]:
    with db.new_session(app) as sess:
        return list(sess.scalars(select(Job).order_by(Job.id)))


@pytest.mark.parametrize("htmx", [True, False])
def test_a_batch_send_as_a_job_answers_with_its_card(app, signed_in, users, htmx):
    operator = signed_in("operator")
    response = operator.post("/messages/batch", BATCH, htmx=htmx)
    assert response.status_code == 200
    job = _jobs(app)[-1]
    page = response.get_data(as_text=True)
    assert f"job-{job.id}" in page and f"/jobs/{job.id}" in page


def test_a_failure_after_the_job_started_answers_with_the_job_not_a_500(app, signed_in, users, monkeypatch):
    """Whatever breaks after `jobs.start` (here: the page's own template), the answer shows the job
    that now exists, so nobody retries it."""
    import console.messaging.views as views

    real = views.render_template

    def broken(template, **context):
        if template == "messaging/_batch_job.html":
            raise RuntimeError("the page broke after the job started")
        return real(template, **context)

    monkeypatch.setattr(views, "render_template", broken)
    operator = signed_in("operator")
    for htmx in (True, False):
        response = operator.post("/messages/batch", BATCH, htmx=htmx)
        assert response.status_code == 200
        job = _jobs(app)[-1]
        assert f"/jobs/{job.id}" in response.get_data(as_text=True)
    assert len(_jobs(app)) == 2  # one job per request, none started twice


def test_the_card_and_page_of_a_running_job_render_for_every_role(app, signed_in):
    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="running", params={"items": ["a", "b"]}, total=2, done=1,
                  ok_count=1, operator_name="someone")
        sess.add(job)
        sess.flush()
        job_id = job.id
    for role in ("viewer", "operator", "admin"):
        browser = signed_in(role)
        card = browser.get(f"/jobs/{job_id}/progress", headers={"HX-Request": "true"})
        assert card.status_code == 200 and "every 1s" in card.get_data(as_text=True)
        page = browser.get(f"/jobs/{job_id}")
        assert page.status_code == 200 and f"job-{job_id}" in page.get_data(as_text=True)
        assert ("Cancel" in card.get_data(as_text=True)) == (role != "viewer")


def test_job_cards_render_inside_imported_macros(app, signed_in):
    """`ui.job_card` includes the card from an imported macro (no request context there):
    `current_user` is a template global, so the card can ask for the role."""
    from flask import render_template_string

    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="running", params={"items": []}, total=0)
        sess.add(job)
        sess.flush()
        job_id = job.id
    operator = signed_in("operator")
    with app.test_request_context():
        from flask_login import login_user

        from console.models import Operator

        login_user(db.session.scalar(select(Operator).where(Operator.name == "operator")))
        html = render_template_string('{% import "_macros/ui.html" as ui %}{{ ui.job_card(job) }}',
                                      job=db.session.get(Job, job_id))
    assert "Cancel" in html
    assert operator.get("/jobs").status_code == 200
    with db.new_session(app) as sess:
        assert sess.scalar(select(func.count()).select_from(Job)) == 1
