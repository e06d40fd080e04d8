"""Time and memory of every hostile file through every importer (issue 23), run by hand:

    .venv/bin/python bench/hostile_uploads.py [--megabytes N] [--only CASE]

The corpus is tests/hostile_files.py (bombs with their true CRC, as a genuine one
has). Each case runs in a forked child: its peak resident memory is measured from
the moment the file is built (Linux's VmHWM, reset through /proc/self/clear_refs),
so lxml's and zlib's memory counts too, not only Python's. A child is stopped after
--timeout seconds (the plan import took 278 s and 6.1 GB before the gate: run the
old code with a smaller --megabytes). Prints one line per case: importer, case,
size, time, memory, the answer.
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.test_settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import translation  # noqa: E402

from ledger.filetypes import check_upload  # noqa: E402
from targets.plan_sheet import reader as plan_reader  # noqa: E402
from targets.plan_sheet.template import template_bytes  # noqa: E402
from targets.report_sheet import files, reader  # noqa: E402
from tests import hostile_files as hostile  # noqa: E402

try:
    from kpitracker.uploads import Refused
except ImportError:  # the code before the gate
    Refused = plan_reader.UnreadableFile
REFUSED = (Refused, plan_reader.UnreadableFile, ValidationError)


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def plan_import(data):
    plan_reader.read(data)


def report_import(data):
    reader.read(files.classify(data, "三季度报告.xlsx"))


def evidence(data):
    check_upload(SimpleUploadedFile("汇报材料.docx", data))


def _run(importer, make, timeout):
    """(seconds, extra peak MB, answer) of one case, in a forked child."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        data = make()
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts here
        before = _status_kb("VmHWM")
        started = time.perf_counter()
        try:
            with translation.override("en"):
                importer(data)
            answer = "ACCEPTED"
        except REFUSED as refusal:
            answer = "refused: " + " ".join(getattr(refusal, "messages", [str(refusal)]))
        except Exception as error:  # what the view would turn into a 500
            answer = f"500: {type(error).__name__}: {error}"
        seconds = time.perf_counter() - started
        peak = (_status_kb("VmHWM") - before) / 1024
        line = f"{len(data) / 1e6:.2f}\t{seconds:.3f}\t{peak:.0f}\t{answer[:110]}"
        os.write(write, line.encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, _status = os.waitpid(child, os.WNOHANG)
        if done:
            return os.read(read, 4096).decode()
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)  # only the child forked here
    os.waitpid(child, 0)
    return f"?\t>{timeout}\t?\tstopped after {timeout} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=1536, help="size of the bombs")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    hostile.TRUE_CRC = True
    plan = template_bytes()
    # The report template of a section, as downloaded, is an openpyxl workbook too;
    # the plan's empty template stands for both (same writer, same parts).
    report = plan
    runs = []
    for importer, xlsx in ((plan_import, plan), (report_import, report)):
        for case, make in hostile.workbook_cases(xlsx).items():
            if "GB)" in case:
                name = "xl/styles.xml" if "styles" in case else hostile.first_sheet(xlsx)
                make = _scaled(xlsx, name, args.megabytes)
                case = case.replace("1.5 GB", f"{args.megabytes} MB")
            runs.append((importer, case, make))
    runs.append((evidence, f"DOCX bomb ({args.megabytes * 4 // 3} MB)", _docx(args)))
    print("importer\tcase\tMB\tseconds\tpeak MB\tanswer")
    for importer, case, make in runs:
        if args.only and args.only not in case:
            continue
        print(f"{importer.__name__}\t{case}\t{_run(importer, make, args.timeout)}", flush=True)


def _scaled(xlsx, name, megabytes):
    if name == "xl/styles.xml":
        return lambda: hostile.styles_bomb(xlsx, megabytes)
    return lambda: hostile.whitespace_sheet(xlsx, megabytes)


def _docx(args):
    return lambda: hostile.docx_bomb(args.megabytes * 4 // 3)


if __name__ == "__main__":
    main()
