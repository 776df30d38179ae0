"""JUnit XML, so CI systems (GitHub, GitLab, Jenkins) show each check and baseline comparison as a test case."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    group: str             # shown as the test's class: 'checks' or 'baseline'
    name: str
    failure: str | None    # None when the case passed
    output: str = ""


def junit_xml(suite: str, cases: list[Case], seconds: float = 0.0) -> str:
    failures = sum(c.failure is not None for c in cases)
    root = ET.Element("testsuites", name="supportsim", tests=str(len(cases)), failures=str(failures))
    element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)), failures=str(failures),
                            errors="0", skipped="0", time=f"{seconds:.3f}")
    for case in cases:
        node = ET.SubElement(element, "testcase", classname=f"{suite}.{case.group}", name=case.name, time="0")
        if case.failure is not None:
            ET.SubElement(node, "failure", message=case.failure).text = case.output or case.failure
        elif case.output:
            ET.SubElement(node, "system-out").text = case.output
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
