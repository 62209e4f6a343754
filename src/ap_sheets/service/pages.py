"""The service's two pages, after the GOV.UK Design System's patterns: one question per page,
a label and a hint on the file field, an error summary that links to the field, and the
findings as tables grouped by sheet. Plain HTML with one stylesheet from the service itself:
no JavaScript, no external assets. Everything that came from the upload is escaped."""

from __future__ import annotations

from html import escape

from ..spec import KINDS, Status

SERVICE_NAME = "Check an alternative provision return"
FIELD = "file"


def _page(title: str, body: str, error: bool = False) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{"Error: " if error else ""}{escape(title)} - {SERVICE_NAME}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<a href="#main-content" class="skip-link">Skip to main content</a>
<header class="header"><div class="width-container">
<a href="/" class="header-link">{SERVICE_NAME}</a>
</div></header>
<div class="width-container">
<main class="main" id="main-content">
{body}
</main>
</div>
<footer class="footer"><div class="width-container">
<p>Your file is checked and then deleted straight away. Nothing you upload is kept, except the
marked copy you can download, which is held in memory for 10 minutes and then deleted.</p>
</div></footer>
</body>
</html>
"""


def upload_page(error: str | None = None, limit_text: str = "20 MB") -> str:
    """The upload form; with `error`, the error summary and the field's error message."""
    summary = field_error = ""
    group = "form-group"
    described = "file-hint"
    if error:
        summary = f"""<div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" autofocus>
<h2 class="error-summary-title" id="error-summary-title">There is a problem</h2>
<ul class="error-summary-list"><li><a href="#{FIELD}">{escape(error)}</a></li></ul>
</div>
"""
        field_error = f'<p id="file-error" class="error-message"><span class="visually-hidden">Error:</span> {escape(error)}</p>\n'
        group += " form-group-error"
        described += " file-error"
    body = f"""{summary}<h1 class="heading-l">Check a return before you send it</h1>
<p class="body">Upload your AP provider termly return or school AP placement log. It is checked against
the council's data specification, the same checks the council runs when your return arrives.
You do not need to install anything.</p>
<form action="/check" method="post" enctype="multipart/form-data" novalidate>
<div class="{group}">
<h2 class="label-wrapper"><label class="label label-m" for="{FIELD}">Upload your return</label></h2>
<div id="file-hint" class="hint">The council's standard Excel workbook (.xlsm or .xlsx), up to {escape(limit_text)}.</div>
{field_error}<input class="file-upload" id="{FIELD}" name="{FIELD}" type="file" aria-describedby="{described}"
 accept=".xlsm,.xlsx,application/vnd.ms-excel.sheet.macroEnabled.12,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
</div>
<button type="submit" class="button">Check the return</button>
</form>
"""
    return _page("Upload a return", body, error=bool(error))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def result_page(report: dict, download: str | None) -> str:
    """The findings for one file (report as `FileReport.to_json()`), grouped by sheet, errors first."""
    name = escape(report.get("file") or "Your file")
    status = report["status"]
    if status == Status.UNREADABLE:
        body = f"""<h1 class="heading-l">This file could not be checked</h1>
<div class="panel panel-unreadable"><p class="body"><strong>{name}</strong></p>
<p class="body">{escape(report.get("reason") or "")}</p></div>
<p class="body"><a href="/" class="link">Check another file</a></p>
"""
        return _page("File could not be checked", body)
    issues = report.get("issues", [])
    errors = sum(i["severity"] == "error" for i in issues)
    queries = len(issues) - errors
    kind = KINDS[report["kind"]].title if report.get("kind") in KINDS else "Workbook"
    counts = f"{_plural(errors, 'error', 'errors')} and {_plural(queries, 'query', 'queries')}"
    if status == Status.ACCEPTED:
        heading = "Your return can be accepted"
        advice = "There are no errors. " + (
            "Look at the queries below: fix them, or explain them when you send the return."
            if queries
            else "You can send it to the council."
        )
    else:
        heading = "Your return needs changes before the council can accept it"
        advice = (
            "Fix the errors in your own workbook, then check it again. Queries are things to fix, "
            "or to explain when you send the return."
        )
    parts = [
        f"""<h1 class="heading-l">{heading}</h1>
<div class="panel panel-{status}"><p class="body"><strong>{name}</strong> ({escape(kind)})</p>
<p class="body verdict">{status.upper()}: {counts}</p></div>
<p class="body">{advice}</p>
"""
    ]
    if download:
        parts.append(f"""<h2 class="heading-m">Your return with the problems marked</h2>
<p class="body"><a href="/download/{escape(download)}" class="link" download>Download your return with the cells marked</a>
(red: errors, amber: queries; a Validation sheet lists every problem). This link works for 10 minutes.</p>
""")
    sheets: dict[str, list[dict]] = {}
    for issue in issues:
        sheets.setdefault(issue.get("sheet") or "Whole workbook", []).append(issue)
    for n, (sheet, found) in enumerate(sheets.items(), 1):
        found = sorted(found, key=lambda i: i["severity"] != "error")
        rows = "\n".join(_row(i) for i in found)
        parts.append(f"""<h2 class="heading-m" id="sheet-{n}">{escape(sheet)}</h2>
<table class="table" aria-labelledby="sheet-{n}">
<thead><tr><th scope="col">Problem</th><th scope="col">Cell</th><th scope="col">Column</th>
<th scope="col">What was found</th><th scope="col">What to do</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
""")
    parts.append('<p class="body"><a href="/" class="link">Check another file</a></p>\n')
    return _page("Findings" if issues else "No problems found", "".join(parts))


def _row(issue: dict) -> str:
    severity = "Error" if issue["severity"] == "error" else "Query"
    value = issue.get("value")
    shown = "" if value is None else escape(str(value))
    return (
        f'<tr><td><strong class="tag tag-{severity.lower()}">{severity}</strong> '
        f'<span class="code">{escape(issue["code"])}</span></td>'
        f"<td>{escape(issue.get('cell') or '-')}</td><td>{escape(issue.get('column') or '')}</td>"
        f"<td>{shown}</td><td>{escape(issue['message'])}</td></tr>"
    )


def problem_page(title: str, message: str) -> str:
    """A page for a request the service could not take (too busy, too many, too slow)."""
    return _page(
        title,
        f"""<h1 class="heading-l">{escape(title)}</h1>
<p class="body">{escape(message)}</p>
<p class="body"><a href="/" class="link">Go back to the upload page</a></p>
""",
    )
