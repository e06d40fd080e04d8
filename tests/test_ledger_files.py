"""Evidence files: the type from the content, the size limit, plain names — each bad file
refused with a clear message, and nothing stored (ledger/filetypes.py; the form and the
stored files: tests/test_ledger_entries.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from ledger.filetypes import check_upload

from . import ledger_helpers as files


def named(upload, name):
    upload._name = name  # as another route (an import, an API) might hand it over
    return upload


def refusal(upload):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_upload(upload)
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("upload", "kind"),
    [
        (files.pdf("认定通知（第3批）.pdf"), "pdf"),
        (files.png(), "png"),
        (files.jpeg("现场.JPEG"), "jpeg"),
        (files.ofd(), "ofd"),
        (files.ooxml("汇总表.xlsx", "sheet"), "xlsx"),
        (files.ooxml("请示.docx", "document"), "docx"),
    ],
)
def test_accepted_types_are_recognised_from_the_content(upload, kind):
    checked = check_upload(upload)
    assert checked.type.key == kind
    assert checked.name == upload.name and checked.size == upload.size
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("upload", "said"),
    [
        (files.exe("认定通知.pdf"), "its content is a Windows program (EXE)"),
        (SimpleUploadedFile("空.pdf", b""), "is empty (0 bytes)"),
        (files.zipped("伪装.docx", {"a.txt": "x"}), "its content is a ZIP archive"),
        (files.ooxml("宏.docx", "macro"), "an Office file with macros"),
        (SimpleUploadedFile("说明.pdf", b"just some text"), "of no type accepted"),
        (files.png("照片.pdf"), "is a PNG file, but its name ends in “.pdf”"),
        (files.pdf("证明"), "has no extension"),
        (files.pdf("C:证明.pdf"), "contains a folder or drive"),
        # (an upload's name is already cut to its last part by Django: set it by hand)
        (named(files.pdf(), "../../etc/证明.pdf"), "contains a folder or drive"),
        (files.pdf("..\\证明.pdf"), "contains a folder or drive"),
    ],
)
def test_bad_files_are_refused_with_what_is_wrong(upload, said):
    message = refusal(upload)
    assert said in message
    assert "Accepted" in message or said != "of no type accepted"


@override_settings(KPI_EVIDENCE_MAX_MB=1)
def test_a_file_over_the_limit_is_refused():
    big = files.pdf("大文件.pdf", extra=b"\x00" * (1024 * 1024))
    assert "is 1.0 MB; the limit is 1 MB a file" in refusal(big)


@override_settings(KPI_EVIDENCE_TYPES=["pdf"])
def test_the_accepted_types_are_a_setting():
    assert "Accepted: PDF, at most" in refusal(files.png())


def test_messages_are_in_chinese_too():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        check_upload(files.exe("认定通知.pdf"))
    assert "Windows 程序" in error.value.messages[0]
