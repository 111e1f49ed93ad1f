"""The pages. Each view parses the request, calls one library (or job) function and
renders the result; errors are raised and turned into pages by :mod:`importer.web.errors`.

A job is looked up with the caller's identity: another browser session gets 404.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from importer.errors import WorkbookError
from importer.web import tasks
from importer.web.errors import BadUpload
from importer.web.grid import cell_editor, grid_page, row_sets
from importer.web.jobs import DONE, FAILED, Job
from importer.web.state import resumable, state

bp = Blueprint("bcdc", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/bcdc")

#: the files a job page may offer, and the name the browser saves each under
DOWNLOADS = {
    "report.xlsx": (tasks.REPORT_XLSX, "{stem}-report.xlsx"),
    "report.json": (tasks.REPORT_JSON, "{stem}-report.json"),
    "import-report.xlsx": (tasks.RESULTS_XLSX, "{stem}-import-report.xlsx"),
    "import-report.json": (tasks.RESULTS_JSON, "{stem}-import-report.json"),
    "export.xlsx": (tasks.EXPORT_XLSX, "{stem}.xlsx"),
    "undo-report.xlsx": (tasks.UNDO_XLSX, "{stem}-undo-report.xlsx"),
    "undo-report.json": (tasks.UNDO_JSON, "{stem}-undo-report.json"),
}
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xls", ".ods", ".txt")


@bp.app_context_processor
def page_context() -> dict[str, Any]:
    """What every page may show: the site and limits (never a token)."""
    return {"settings": state().settings}


def _job(job_id: str) -> Job:
    web = state()
    return web.store.owned(job_id, web.identity())


@bp.get("/")
def start() -> str:
    web = state()
    jobs = web.store.of_owner(web.identity())
    return render_template("start.html", jobs=jobs[:20])


@bp.get("/template")
def template() -> Response:
    """A blank template from the server's site (its schema of the dataset type the check
    uses, its licences and organizations), with or without the example row: what
    ``bcdc-import template --url SITE [--type TYPE]`` writes, so it passes the web check."""
    from importer.site import Site
    from importer.template.build import make_template

    web = state()
    example = request.args.get("example") == "1"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "template.xlsx"
        make_template(out, site=Site(web.settings.site_url, web.settings.site_token,
                                     timeout=30.0),
                      site_label=web.settings.site_url, dataset_type=web.settings.dataset_type,
                      example=example)
        data = out.read_bytes()
    name = "bcdc-template" + ("-example" if example else "") + ".xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/upload")
def upload() -> BaseResponse:
    """Store the file under a new job's id, refuse it at once if the CLI would (the same
    message), else start its check."""
    from importer.read.safety import sniff

    web = state()
    given = request.files.get("file")
    if given is None or not given.filename:
        raise BadUpload("Choose a workbook (.xlsx, .xlsm or .csv) to upload.")
    display = Path(given.filename.replace("\\", "/")).name[:200] or "upload.xlsx"
    suffix = Path(display).suffix.lower()
    web.sweep()
    job = web.store.create("check", web.identity(), filename=display,
                           input_name="input" + (suffix if suffix in UPLOAD_SUFFIXES else ""),
                           options={"site_url": web.settings.site_url,
                                    "dataset_type": web.settings.dataset_type})
    folder = web.store.folder(job.id)
    given.save(folder / job.input_name)
    try:
        sniff(folder / job.input_name)
    except WorkbookError as err:
        message = tasks.shown_message(err, job, folder)
        web.store.update(job.id, state=FAILED, message=message)
        raise WorkbookError(message) from None
    web.submit(job, None)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)


@bp.get("/jobs/<job_id>")
def job(job_id: str) -> tuple[str, int]:
    """The job's page: progress while it runs, then its result."""
    job = _job(job_id)
    web = state()
    folder = web.store.folder(job.id)
    context: dict[str, Any] = {"job": job, "resumable": resumable(job)}
    if job.state == FAILED:
        status = (502 if job.result.get("site_error") else 422) if job.kind == "check" else 200
        return render_template("failed.html", **context), status
    if job.kind == "check" and job.state == DONE and job.result.get("needs_matching"):
        return _matching_page(job, folder), 200
    if job.kind == "check" and job.state == DONE:
        report, sheets = _checked(job, folder)
        only = request.args.get("show")
        grid = grid_page(sheets, report, request.args.get("sheet"),
                         request.args.get("page", 1, type=int),
                         None if only is None else only == "problems")
        editing, refused = None, ""
        if request.args.get("cell"):  # the editor opened on a cell by a page without script
            from importer.read.edits import EditError

            try:
                editing = cell_editor(sheets, request.args["cell"])
            except EditError as err:
                refused = str(err)
        return render_template("check.html", report=report, grid=grid, editing=editing,
                               refused=refused, row_sets=row_sets(sheets, report),
                               **context), 200
    if job.kind in ("plan", "import") and job.state not in ("queued", "running") \
            and (folder / tasks.PLAN_JSON).exists():
        plan = web.store.read_json(folder / tasks.PLAN_JSON)
        page = "plan.html" if job.kind == "plan" else "results.html"
        return render_template(page, plan=plan, undoable=_undoable(job), **context), 200
    if job.kind in tasks.UNDO_KINDS and not job.active and (folder / tasks.UNDO_JSON).exists():
        from importer.undo.report import short

        return render_template(f"{job.kind}.html", undo=web.store.read_json(
            folder / tasks.UNDO_JSON), short=short, **context), 200
    return render_template("running.html", **context), 200


#: how many confirmed mappings a browser session remembers (newest kept)
REMEMBERED = 5


def _remembered() -> dict[str, Any]:
    found = session.get("mappings")
    return found if isinstance(found, dict) else {}


def _matching_page(job: Job, folder: Path, error: str = "",
                   chosen: dict[str, dict[int, str | None]] | None = None) -> str:
    """The matching step: each uploaded column with its samples and a select holding the
    proposal, or the mapping this session confirmed for the same headers, or what the
    editor just chose (after an error)."""
    proposal = state().store.read_json(folder / tasks.PROPOSAL_JSON)
    earlier = _remembered().get(proposal["signature"])
    picks: dict[str, dict[int, str | None]] = {}
    for sheet in proposal["sheets"]:
        given = (chosen or {}).get(sheet["key"])
        if given is None and earlier is not None:
            stored = (earlier.get(sheet["key"]) or {}).get("columns", {})
            given = {c["position"]: stored[c["header"]] for c in sheet["columns"]
                     if c["header"] in stored}
        picks[sheet["key"]] = {c["position"]: (given or {}).get(c["position"], c["column"])
                               for c in sheet["columns"]}
    return render_template("match.html", job=job, proposal=proposal, picks=picks,
                           earlier=earlier is not None and chosen is None, error=error)


@bp.post("/jobs/<job_id>/columns")
def confirm_columns(job_id: str) -> Any:
    """The matching step's answer: the mapping is checked by the library (as a mapping
    file is), kept in the job folder and in this browser session, and the check runs."""
    from importer.read.mapping import MappingError
    from importer.read.suggest import confirmed_mapping

    job = _job(job_id)
    web = state()
    folder = web.store.folder(job.id)
    if not (folder / tasks.PROPOSAL_JSON).is_file() or job.active:
        abort(409)
    proposal = web.store.read_json(folder / tasks.PROPOSAL_JSON)
    chosen: dict[str, dict[int, str | None]] = {}
    for sheet in proposal["sheets"]:
        for col in sheet["columns"]:
            value = request.form.get(f"{sheet['key']}-{col['position']}")
            if value is not None:
                chosen.setdefault(sheet["key"], {})[col["position"]] = value.strip() or None
    layout, _ = tasks.job_layout(job, folder)
    try:
        mapping = confirmed_mapping(proposal, chosen, layout, tasks.mapping_name(job))
    except MappingError as err:
        return _matching_page(job, folder, str(err), chosen), 400
    (folder / tasks.COLUMNS_JSON).write_text(mapping.dumps(), encoding="utf-8")
    remembered = {k: v for k, v in _remembered().items() if k != proposal["signature"]}
    remembered[proposal["signature"]] = mapping.to_json()
    session["mappings"] = dict(list(remembered.items())[-REMEMBERED:])
    web.store.update(job.id, state="queued", result={}, message="")
    web.submit(job, None)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)


@bp.post("/jobs/<job_id>/edits")
def edit_cell(job_id: str) -> BaseResponse:
    """Save one corrected cell as an edit over the upload (cell, old, new; the uploaded
    file is not changed) and re-check its row (:mod:`importer.recheck`) before answering;
    a job kept without a check state is checked again as a whole, as a job."""
    from importer.read.edits import split_ref

    job = _job(job_id)
    web = state()
    folder = web.store.folder(job.id)
    if job.kind != "check" or job.state != DONE:
        abort(409)
    ref = (request.form.get("cell") or "").strip()
    done = web.checks.edit(folder, ref, request.form.get("value", ""))
    if done is None:
        _check_again(job, folder, ref)
    else:
        result = done[0].result()
        web.store.update(job.id, result={
            **web.store.load(job.id).result, "valid": result.valid, "errors": result.errors,
            "warnings": result.warnings, "rows_with_errors": result.rows_with_errors,
            "edits": len(done[0].edits)})
    # no #grid when the page comes at once: scrolling to a fragment takes the focus, which
    # the page's script gives back to the edited cell (the running page drops it anyway)
    return redirect(url_for("bcdc.job", job_id=job.id, sheet=split_ref(ref)[0],
                            page=request.form.get("page", 1, type=int),
                            show=request.form.get("show") or None,
                            _anchor="grid" if done is None else None), code=303)


def _check_again(job: Job, folder: Path, ref: str) -> None:
    """The edit of a job without a check state: saved, then the whole file is checked
    again (a job) with every edit applied."""
    from importer.read.edits import (
        Edit,
        SheetCells,
        load_edits,
        locate,
        new_value,
        save_edits,
        split_ref,
    )

    web = state()
    if not (folder / tasks.GRID_JSON).is_file():
        abort(409)
    grid = web.store.read_json(folder / tasks.GRID_JSON)["sheets"]
    sheet, position = locate(ref, [SheetCells(s["name"], s["letters"], (r[0] for r in s["rows"]))
                                   for s in grid])
    number = split_ref(ref)[2]
    values = next(r[1] for s in grid if s["name"] == sheet.name for r in s["rows"]
                  if r[0] == number)
    old = values[position] if position < len(values) else None
    edit = Edit(ref, old, new_value(request.form.get("value", "")))
    if not edit.changes:  # saved as it was: nothing to record or check
        return
    edits = [*load_edits(folder / tasks.EDITS_JSON), edit]
    save_edits(folder / tasks.EDITS_JSON, edits)
    web.store.update(job.id, state="queued", result={}, message="")
    web.submit(job, None)


def _checked(job: Job, folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report and grid data of a check, with every edit so far: from its check
    state (kept loaded), else from the files the check job wrote."""
    web = state()
    found = web.checks.page(folder, job.filename)
    if found is not None:
        return found
    return (web.store.read_json(folder / tasks.REPORT_JSON),
            web.store.read_json(folder / tasks.GRID_JSON))


def _fresh_reports(job: Job, folder: Path) -> None:
    """Write the check reports and the corrected workbook again if edits were made
    since they were written (an edit re-checks its row only, and writes no file)."""
    web = state()
    edits = job.result.get("edits", 0)
    if job.kind != "check" or job.result.get("reports_edits", edits) == edits:
        return
    with web.checks.holding(folder) as check:
        if check is None:
            return
        tasks.write_reports(job, folder, check.result(), check.edits,
                            job.result.get("check_facts", []))
        tasks.write_corrected_copy(job, folder, check.edits)
        web.store.update(job.id, result={**web.store.load(job.id).result,
                                         "reports_edits": len(check.edits)})


@bp.get("/jobs/<job_id>/status")
def status(job_id: str) -> Response:
    """The job's state and progress, for the progress bar's script."""
    job = _job(job_id)
    return jsonify({"state": job.state, "progress": job.progress, "message": job.message})


@bp.get("/jobs/<job_id>/files/<name>")
def download(job_id: str, name: str) -> Response:
    job = _job(job_id)
    if name == "columns.json":
        stored, shown = tasks.COLUMNS_JSON, tasks.mapping_name(job)
    elif name == "corrected":
        stored = tasks.CORRECTED
        shown = f"{{stem}}-corrected{Path(job.input_name).suffix.lower()}"
    elif name in DOWNLOADS:
        stored, shown = DOWNLOADS[name]
    else:
        abort(404)
    folder = state().store.folder(job.id)
    if stored in (tasks.REPORT_XLSX, tasks.REPORT_JSON, tasks.CORRECTED):
        _fresh_reports(job, folder)
    path = folder / stored
    if not path.is_file():
        abort(404)
    stem = Path(job.filename).stem or job.options.get("org", "export")
    return send_file(path, as_attachment=True, download_name=shown.replace("{stem}", stem),
                     max_age=0)


def _follow_on(parent: Job, kind: str, **options: Any) -> Job:
    """A new job on the same uploaded file (hard-linked into its own folder)."""
    web = state()
    job = web.store.create(kind, web.identity(), filename=parent.filename,
                           input_name=parent.input_name, parent=parent.id,
                           options={"site_url": web.settings.site_url,
                                    "dataset_type": web.settings.dataset_type,
                                    "workers": web.settings.import_workers, **options})
    source = web.store.folder(parent.id) / parent.input_name
    target = web.store.folder(job.id) / job.input_name
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())
    mapping = web.store.folder(parent.id) / tasks.COLUMNS_JSON
    if not mapping.is_file():  # an import made from a plan: the plan's copy
        mapping = web.store.folder(parent.id) / tasks.mapping_name(parent)
    if mapping.is_file():  # the plan and import read the rows with the confirmed mapping
        (web.store.folder(job.id) / tasks.mapping_name(job)).write_bytes(mapping.read_bytes())
    edits = web.store.folder(parent.id) / tasks.EDITS_JSON
    if edits.is_file():  # ... and with the cells corrected in the grid
        (web.store.folder(job.id) / tasks.EDITS_JSON).write_bytes(edits.read_bytes())
    return job


@bp.post("/jobs/<job_id>/plan")
def plan(job_id: str) -> BaseResponse:
    """The dry run (``import --dry-run``) of a checked file."""
    return _start(_job(job_id), "plan")


@bp.post("/jobs/<job_id>/import")
def start_import(job_id: str) -> BaseResponse:
    """The import of a checked (and planned) file."""
    return _start(_job(job_id), "import")


def _start(parent: Job, kind: str) -> BaseResponse:
    web = state()
    token = web.token(request.form.get("token"))
    if not token:
        raise BadUpload("Give your API token (from your catalogue user page) to go on.")
    rows = parent.options.get("rows")
    if parent.kind == "check":  # the rows chosen on the check page
        from importer.web.grid import selected_rows

        report, data = _checked(parent, web.store.folder(parent.id))
        rows = selected_rows(data, report, request.form.get("choose", "all"),
                             request.form.getlist("row"))
        if rows == []:
            raise BadUpload("No row is selected: tick the rows to import, or choose "
                            "another option under “Rows to plan and import”.")
    job = _follow_on(parent, kind, skip_invalid=request.form.get("skip_invalid") == "1",
                     rows=rows)
    web.submit(job, token)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)


@bp.post("/jobs/<job_id>/cancel")
def cancel(job_id: str) -> BaseResponse:
    """Stop an import as Ctrl-C does: rows in flight finish, the rest are not done."""
    job = _job(job_id)
    state().store.request_cancel(job.id)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)


@bp.post("/jobs/<job_id>/resume")
def resume(job_id: str) -> BaseResponse:
    """Run an interrupted import again: its journal confirms the rows already done."""
    job = _job(job_id)
    web = state()
    if not resumable(job):
        abort(409)
    token = web.token(request.form.get("token"))
    if not token:
        raise BadUpload("Give your API token to resume the import.")
    (web.store.folder(job.id) / "cancel").unlink(missing_ok=True)
    web.store.update(job.id, state="queued", message="")
    web.submit(job, token)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)


@bp.get("/export")
def export_form() -> str:
    """Pick an organization to export (the site's organization list)."""
    from importer.site import Site
    from importer.template.lists import fetch_organizations

    web = state()
    orgs = fetch_organizations(Site(web.settings.site_url, web.settings.site_token))
    return render_template("export.html", orgs=orgs)


@bp.post("/export")
def export() -> BaseResponse:
    web = state()
    org = (request.form.get("org") or "").strip()
    if not org:
        raise BadUpload("Choose an organization to export.")
    token = web.token(request.form.get("token"))
    web.sweep()
    job = web.store.create("export", web.identity(), filename=f"{org}.xlsx",
                           options={"site_url": web.settings.site_url, "org": org,
                                    "dataset_type": web.settings.dataset_type})
    web.submit(job, token)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)


# -- undo an import (docs/undo.md): its dry run first, then the undo -------------------------


def _undoable(job: Job) -> bool:
    """A finished import whose journal holds writes to take back."""
    from importer.undo import read_import_journal

    if job.kind != "import" or job.active:
        return False
    try:
        journal = read_import_journal(state().store.folder(job.id) / tasks.JOURNAL)
    except WorkbookError:  # no journal (nothing sent), or one undo refuses
        return False
    return bool(journal.rows)


@bp.post("/jobs/<job_id>/undo-plan")
def undo_plan(job_id: str) -> BaseResponse:
    """The undo's dry run (``undo --dry-run``) for a finished import."""
    parent = _job(job_id)
    if not _undoable(parent):
        abort(409)
    return _start_undo(parent, "undo-plan")


@bp.post("/jobs/<job_id>/undo")
def undo(job_id: str) -> BaseResponse:
    """The undo itself, from its dry run's page."""
    plan = _job(job_id)
    if plan.kind != "undo-plan" or plan.parent is None:
        abort(404)
    return _start_undo(_job(plan.parent), "undo")


def _start_undo(imported: Job, kind: str) -> BaseResponse:
    web = state()
    token = web.token(request.form.get("token"))
    if not token:
        raise BadUpload("Give your API token (from your catalogue user page) to go on.")
    job = web.store.create(kind, web.identity(), filename=imported.filename,
                           parent=imported.id,
                           options={"site_url": imported.options.get("site_url",
                                                                     web.settings.site_url),
                                    "workers": web.settings.import_workers})
    web.submit(job, token)
    return redirect(url_for("bcdc.job", job_id=job.id), code=303)
