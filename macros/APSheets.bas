Attribute VB_Name = "APSheets"
' ap-sheets: the Validate and Summary buttons of the council's AP workbooks.
'
' Each button runs Python through xlwings' RunPython (the xlwings module in this workbook).
' Python does the work (ap_sheets.excel): it checks the workbook against the council's data
' specification, or works out its figures, and writes the result on a sheet.
'
' When the xlwings.conf sheet names the council's checking service (Service_URL), the buttons
' send the workbook there instead, with xlwings' RunServerPython (the Remote module) and the
' organisation's key (Service_Key): the same Python runs on the council's server and the
' answer is written into this workbook. Nothing needs installing on this computer.
'
' Source of truth: macros/APSheets.bas in the ap-sheets repository. The templates' VBA is
' built from it by scripts/build_vba.py: change the file there, not in Excel.
Option Explicit

Private Const TITLE As String = "ap-sheets"

Public Sub ValidateReturn()
    If ServiceUrl() <> "" Then
        CallService "validate"
    ElseIf PythonReady() Then
        RunPython "import ap_sheets.excel as x; x.validate()"
    End If
End Sub

Public Sub ShowSummary()
    If ServiceUrl() <> "" Then
        CallService "summary"
    ElseIf PythonReady() Then
        RunPython "import ap_sheets.excel as x; x.summary()"
    End If
End Sub

' The checking service's address from the xlwings.conf sheet, or "" to use Python here.
Private Function ServiceUrl() As String
    On Error Resume Next  ' no xlwings.conf sheet: use Python on this computer
    ServiceUrl = Trim$(CStr(GetConfig("SERVICE_URL", "")))
    If Right$(ServiceUrl, 1) = "/" Then ServiceUrl = Left$(ServiceUrl, Len(ServiceUrl) - 1)
End Function

' Send the workbook to the service's /xlwings/validate or /xlwings/summary; xlwings applies
' the answer (or shows the service's message, e.g. when the key is no longer valid).
Private Sub CallService(action As String)
    RunServerPython ServiceUrl() & "/xlwings/" & action, auth:=CStr(GetConfig("SERVICE_KEY", ""))
End Sub

' True when the Python the xlwings.conf sheet names can be found. Only checked on Windows:
' on a Mac, Excel may ask for permission to look at other folders, and xlwings reports a
' missing Python itself.
Private Function PythonReady() As Boolean
    #If Mac Then
        PythonReady = True
    #Else
        Dim interpreter As String
        interpreter = GetConfig("INTERPRETER_WIN", "")
        If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
        If interpreter = "python" Or interpreter = "pythonw" Then
            PythonReady = OnWindowsPath(interpreter & ".exe")
        Else
            PythonReady = FileExists(interpreter)
        End If
        If Not PythonReady Then
            MsgBox "The Validate and Summary buttons need Python with ap-sheets installed on this " & _
                "computer, and it was not found" & IIf(interpreter = "python" Or interpreter = "pythonw", _
                ".", " at:" & vbCrLf & interpreter & vbCrLf) & vbCrLf & vbCrLf & _
                "Ask your IT support to install it as the ap-sheets guide says (Python 3, then " & _
                "pip install ""ap-sheets[excel]""). If Python is installed somewhere else, type the " & _
                "full path of its python.exe next to Interpreter_Win on the xlwings.conf sheet." & _
                vbCrLf & vbCrLf & _
                "You can still fill in this workbook and send it: the council checks every return " & _
                "when it arrives.", vbExclamation, TITLE
        End If
    #End If
End Function

' True when a folder on the PATH holds the program. The Microsoft Store's "python.exe"
' placeholder (which only offers to install Python) does not count.
Private Function OnWindowsPath(program As String) As Boolean
    Dim folder As Variant, dirPath As String, storePython As String
    On Error Resume Next  ' a malformed PATH entry is skipped, not shown as an error
    For Each folder In Split(Environ("PATH"), ";")
        dirPath = folder
        If Len(dirPath) > 0 Then
            If Right$(dirPath, 1) <> "\" Then dirPath = dirPath & "\"
            If FileExists(dirPath & program) Then
                If InStr(1, dirPath, "\Microsoft\WindowsApps\", vbTextCompare) = 0 Then
                    OnWindowsPath = True
                    Exit Function
                End If
                storePython = ""
                storePython = Dir(dirPath & "PythonSoftwareFoundation.Python.*", vbDirectory)
                If Len(storePython) > 0 Then
                    OnWindowsPath = True
                    Exit Function
                End If
            End If
        End If
    Next folder
End Function
