"""Refusals: the exception that stops a file being parsed, and the plain-English reason for each code.

Every reason says what to do; they are kept in one place so the wording stays consistent.
"""

from __future__ import annotations


class Refused(Exception):
    """The file will not be parsed. `reason` is for a school clerk; `code` for scripts and tests."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


SAVE_AS_XLSM = "Open it in Excel, choose File > Save As > Excel Macro-Enabled Workbook (*.xlsm), and send the new file."
SEND_WORKBOOK = "Please send the council's standard Excel workbook (.xlsm) itself."
SAVE_AGAIN = (
    "Open the workbook in Excel, save it again and send the new copy; if this keeps "
    "happening, contact the council's AP team."
)


REASONS = {
    "missing": "The file could not be found. Check its name and where it was saved.",
    "folder": "This is a folder, not a file. Check the workbooks inside it one by one, or give the "
    "folder to 'ap-sheets validate', which checks every workbook in it.",
    "not-a-file": "This is not an ordinary file (it may be a device or a pipe), so it was not read.",
    "no-access": "The file could not be opened (it may be open in another program, or you may not "
    "have permission to read it). Close it elsewhere, or copy it to your own folder, and try again.",
    "empty": "The file is empty (0 bytes), so there is nothing to check. It may not have saved or "
    "attached properly: open the workbook in Excel, save it, and send it again.",
    "too-big": "The file is {size}, larger than the {limit} ap-sheets accepts. A return is normally "
    "well under 1 MB: check that it is the right file, remove any pictures or extra sheets, "
    "and send it again.",
    "encrypted": "This file is password-protected, so it cannot be read. Remove the password (in Excel: "
    "File > Info > Protect Workbook > Encrypt with Password, delete the password, OK, then "
    "save) and send it again by the council's secure route.",
    "xls": "This is an old-style Excel 97-2003 workbook (.xls), not the council's standard workbook. " + SAVE_AS_XLSM,
    "xlsb": "This workbook is saved as an Excel Binary Workbook (.xlsb), which ap-sheets does not read. "
    + SAVE_AS_XLSM,
    "html": "This is a web page (HTML) with a spreadsheet's name, not a real Excel workbook. " + SAVE_AS_XLSM,
    "xml2003": "This is an old Excel 2003 XML spreadsheet, not the council's standard workbook. " + SAVE_AS_XLSM,
    "ods": "This is an OpenDocument spreadsheet (.ods, from LibreOffice or OpenOffice), not an Excel "
    "workbook. Copy your data into the council's standard workbook (.xlsm) and send that.",
    "csv": "This is a CSV file (comma-separated text), not an Excel workbook: it holds one sheet and "
    "none of the workbook's structure, so it cannot be checked. Fill in the council's standard "
    "workbook (.xlsm) and send that.",
    "text": "This is a plain text file, not an Excel workbook. " + SEND_WORKBOOK,
    "pdf": "This is a PDF document, not an Excel workbook. Please send the council's standard Excel "
    "workbook (.xlsm) itself, not a PDF or printout of it.",
    "image": "This is a picture ({what}), not an Excel workbook. "
    "Please send the council's standard Excel workbook (.xlsm) itself, not a screenshot or photo of it.",
    "word": "This is a Word document, not an Excel workbook. " + SEND_WORKBOOK,
    "powerpoint": "This is a PowerPoint presentation, not an Excel workbook. " + SEND_WORKBOOK,
    "office": "This is a Microsoft Office file of a kind ap-sheets does not read (not an Excel workbook). "
    + SEND_WORKBOOK,
    "archive": "This is a compressed archive ({what}), not an Excel workbook. Take the workbook out of "
    "the archive and send it on its own.",
    "zip": "This is a zip archive, not an Excel workbook. Take the workbook out of the archive and send it on its own.",
    "unknown": "This file is not an Excel workbook (its contents are not in any spreadsheet format "
    "ap-sheets knows). " + SEND_WORKBOOK,
    "damaged": "The file is damaged or incomplete ({detail}); it may have been cut off while being "
    "saved, copied or emailed. Open it in Excel to check it, save it again, and send the new copy.",
    "oversized": "The file is built in a way Excel never saves a return ({detail}), so it was not "
    "opened, for safety. " + SAVE_AGAIN,
    "dtd": "The file contains XML that Excel never writes (a document type declaration in {part}), "
    "which can be used to attack the computer reading it, so it was not opened. " + SAVE_AGAIN,
    "far-data": "The {sheet} sheet has something in cell {cell}, far outside the table, and ap-sheets "
    "cannot read a sheet that large. If it was typed by mistake, go to that cell (type {cell} "
    "in the Name Box, above column A), press Delete, save, and send the workbook again.",
    "timeout": "Checking this file took longer than {seconds:g} seconds, so it was stopped. The file may be "
    "damaged or unusually large. " + SAVE_AGAIN,
    "crashed": "ap-sheets stopped unexpectedly while reading this file{how}, so it could not be checked. " + SAVE_AGAIN,
}


def refuse(code: str, **details) -> Refused:
    return Refused(code, REASONS[code].format(**details))
