#!/usr/bin/env python3
"""Prints each failed test of the given .trx files (Visual Studio test results): its name, then the
first lines of its message and of its stack trace, indented. test.sh calls it after a failed run."""
import sys
import xml.etree.ElementTree as ElementTree

NAMESPACE = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
LINES = 6


def first_lines(text, count):
    lines = (text or "").strip().splitlines()
    return lines[:count] + (["..."] if len(lines) > count else [])


for path in sys.argv[1:]:
    for result in ElementTree.parse(path).getroot().iterfind(".//t:UnitTestResult", NAMESPACE):
        if result.get("outcome") != "Failed":
            continue
        print(f"  {result.get('testName')} ({result.get('duration')})")
        error = result.find("t:Output/t:ErrorInfo", NAMESPACE)
        if error is None:
            continue
        for tag in ("Message", "StackTrace"):
            for line in first_lines(error.findtext(f"t:{tag}", default="", namespaces=NAMESPACE), LINES):
                print(f"      {line}")
