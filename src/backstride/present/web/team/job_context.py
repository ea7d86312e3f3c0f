"""What the team pages show of reports and form checks, beside their other sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from backstride.assess.form_model import FormResult
from backstride.present.web.team.api import MAX_IMPORT_BYTES
from backstride.present.web.team.deps import TeamState
from backstride.services import records
from backstride.team.accounts import User
from backstride.units import FORM_UNIT_LABELS

#: How many of a viewer's report jobs the runner's page lists.
REPORTS_LISTED = 5
#: Team form checks keep no key frames or annotated video (the single-runner app does).
NO_MEDIA: dict[str, Any] = {"frames": {}, "video": None}
#: A job's kind as the pages name it.
JOB_KINDS = {"import": "import", "report": "PDF report", "form": "form check"}


def form_words() -> dict[str, Any]:
    """What `single/_form_result.html` needs besides the report itself, and `form_result`
    to read a saved report into the typed result the template renders (as the
    single-runner pages do), rounding its figures as the JSON does."""
    return {"media": NO_MEDIA, "unit_labels": FORM_UNIT_LABELS, "form_result": _form_result}


def _form_result(report: Mapping[str, Any] | None) -> FormResult | None:
    return FormResult.from_json(report) if report else None


def last_form_check(engine: Engine) -> dict[str, Any]:
    """The runner's latest saved form check, for their page and their viewers' pages."""
    with engine.connect() as conn:
        found = records.recent_form_checks(conn, limit=1)
    return {"last_form": found[0] if found else None, **form_words()}


def me_page_extras(engine: Engine) -> dict[str, Any]:
    """The runner's own page's last form check and the largest clip it takes."""
    return {
        **last_form_check(engine),
        "fold_form": True,  # the page has much else; the job's page shows it unfolded
        "max_mb": MAX_IMPORT_BYTES // 2**20,
        "kinds": JOB_KINDS,
    }


def runner_page_extras(st: TeamState, viewer: User, runner: User, engine: Engine) -> dict[str, Any]:
    """The runner's page's reports (the viewer's own, as the API shows them) and last form
    check."""
    reports = st.queue.recent(
        runner_id=runner.id, kind="report", requested_by=viewer.id, limit=REPORTS_LISTED
    )
    return {"reports": reports, **last_form_check(engine)}
