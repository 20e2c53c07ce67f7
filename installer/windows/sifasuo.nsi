; NSIS installer for 司法所行政执法监督台账 (sifasuo_desktop) — Windows 10/11, 64-bit.
;
;   makensis -DVERSION=0.1.0.0 -DDIST=..\..\dist\sifasuo -DOUTDIR=..\..\dist installer\windows\sifasuo.nsi
;
; DIST is the PyInstaller one-folder output built ON WINDOWS by installer/sifasuo.spec
; (sifasuo-gui.exe for shortcuts, sifasuo.exe for the command line, _internal\).
; The user's data (ledger database, backups, generated documents) lives in the per-user folder
; %APPDATA%\sifasuo (sifasuo_desktop/paths.py) and is NEVER removed by the uninstaller.
; The file is UTF-8 WITH a BOM (so makensis never reads it in the ANSI code page, e.g. CP936 on a
; Chinese Windows); `Unicode true` builds a Unicode installer.

Unicode true
ManifestDPIAware true
!ifdef NOCOMPRESS
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"

!ifndef VERSION
  !define VERSION "0.1.0.0"
!endif
!ifndef DIST
  !define DIST "..\..\dist\sifasuo"
!endif
!ifndef OUTDIR
  !define OUTDIR "."
!endif
!ifndef ICON
  !define ICON "..\..\resources\icons\sifasuo.ico"
!endif

!define APPID "cn.gov.sifasuo.desktop"
!define APPNAME "司法所行政执法监督台账"
!define APPNAME_EN "Sifasuo Supervision Ledger"
!define PUBLISHER "sifasuo_desktop"
!define GUI_EXE "sifasuo-gui.exe"
!define CLI_EXE "sifasuo.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define DATA_DIR "$APPDATA\sifasuo"

Name "${APPNAME}"
Caption "${APPNAME} ${VERSION} 安装"
OutFile "${OUTDIR}\sifasuo-setup-${VERSION}.exe"
InstallDir "$PROGRAMFILES64\${APPNAME_EN}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel admin
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT License"

; ---------------------------------------------------------------- wizard pages (Chinese)
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "欢迎安装 ${APPNAME}"
!define MUI_WELCOMEPAGE_TEXT "本向导将在您的计算机上安装 ${APPNAME} ${VERSION}。$\r$\n$\r$\n台账数据保存在每个用户自己的数据文件夹（${DATA_DIR}），卸载程序不会删除这些数据。$\r$\n$\r$\n单击“下一步”继续。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行 ${APPNAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "SimpChinese"

; ---------------------------------------------------------------- checks
Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "本软件仅支持 64 位 Windows 10 / 11。"
    Abort
  ${EndIf}
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "本软件需要 Windows 10 或更高版本。"
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

; ---------------------------------------------------------------- install
Section "主程序" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; a previous version's files are replaced wholesale; user data is elsewhere
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*"
  File "/oname=sifasuo.ico" "${ICON}"

  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; shortcuts for every user of this PC (the data folder stays per user)
  SetShellVarContext all
  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\sifasuo.ico" 0
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载 ${APPNAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\sifasuo.ico" 0

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\sifasuo.ico"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

; ---------------------------------------------------------------- uninstall
Section "Uninstall"
  SetShellVarContext all
  Delete "$DESKTOP\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\卸载 ${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"

  ; only the program folder goes; ${DATA_DIR} (each user's ledger) is deliberately kept
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\sifasuo.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKLM "${UNINST_KEY}"
  SetShellVarContext current
  IfSilent +2
    MessageBox MB_ICONINFORMATION "程序已卸载。$\r$\n您的台账数据仍保存在 ${DATA_DIR}，如需彻底删除请手动删除该文件夹（删除前请先备份）。"
SectionEnd
