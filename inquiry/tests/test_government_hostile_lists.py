"""A batch check's list is read within the same bounds as a bulk import (issue 12 item 4): a
hostile XLSX under the 5 MB limit is refused with a message naming what was too large."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collection.tests.hostile_xlsx import MB, huge_cell, huge_shared_string, junk_elements, wide_row
from inquiry.government.services import ListRejected, parse_xlsx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "sizes", "message"),
    [
        (huge_cell, {"text_bytes": 32 * MB}, "单元格 A2 的内容超过 512 KB"),
        (huge_shared_string, {"text_bytes": 16 * MB}, "共享字符串表中第 1 个文本超过 32767 个字符"),
        (wide_row, {"cells": 400_000}, "第 2 行的单元格超过 16384 个"),
        (junk_elements, {"count": 300_000}, "工作表中数据行以外的元素超过 100000 个"),
    ],
)
def test_a_hostile_list_is_refused_before_it_takes_memory(make, sizes, message):
    buffer = io.BytesIO()
    make(buffer, **sizes)
    upload = SimpleUploadedFile("名单.xlsx", buffer.getvalue())
    assert upload.size < 5 * MB

    tracemalloc.start()
    try:
        with pytest.raises(ListRejected) as caught:
            parse_xlsx(upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert caught.value.message.startswith(message)
    assert peak < 16 * MB, f"{peak / MB:.1f} MB"
