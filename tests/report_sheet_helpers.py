"""Helpers of the report import tests: the template downloaded, edited and uploaded."""

import csv
import io
import re

import openpyxl
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.report_sheet.columns import REPORTS
from targets.report_sheet.stash import FOLDER

IMPORT = "/plans/2024/reports/import/"
CONFIRM = "/plans/2024/reports/import/confirm/"
HEADERS = {c.key: c.header for c in REPORTS.columns}


def template_xlsx(client, quarter=3, **params):
    query = "&".join(f"{k}={v}" for k, v in {"quarter": quarter, **params}.items())
    response = client.get(f"/plans/2024/reports/template.xlsx?{query}")
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.content))


def template_csv(client, quarter=3, **params):
    query = "&".join(f"{k}={v}" for k, v in {"quarter": quarter, **params}.items())
    response = client.get(f"/plans/2024/reports/template.csv?{query}")
    assert response.status_code == 200, response.status_code
    return response.content


def column(sheet, key):
    """The 1-based column number of `key` in the sheet's header."""
    headers = [cell.value for cell in sheet[1]]
    return headers.index(HEADERS[key]) + 1


def row_of(sheet, code):
    """The row number of indicator `code`."""
    codes = column(sheet, "code")
    for number in range(2, sheet.max_row + 1):
        if sheet.cell(number, codes).value == code:
            return number
    raise AssertionError(f"{code} is not in the template")


def set_cell(sheet, code, key, value):
    sheet.cell(row_of(sheet, code), column(sheet, key)).value = value


def xlsx_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content, name="三季度报告.xlsx", quarter=3, encoding="auto"):
    return client.post(
        IMPORT,
        {"file": SimpleUploadedFile(name, content), "quarter": quarter, "encoding": encoding},
    )


def token_of(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the preview offers no confirmation"
    return match.group(1)


def confirm(client, response, action="submit"):
    return client.post(CONFIRM, {"token": token_of(response), "action": action})


def csv_rows(content, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))


def csv_bytes(rows, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def kept_files():
    """The uploads kept for a confirmation (none, after a refusal or an import)."""
    try:
        return default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return []
