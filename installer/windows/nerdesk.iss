; Inno Setup 6 script for the nerdesk Windows installer.
;
; Build on Windows, from the repository root:
;   python installer\build.py
; which runs PyInstaller (dist\nerdesk\) and then, when iscc is on PATH:
;   iscc /DAppVersion=<version from pyproject.toml> /DDistDir=<repo>\dist /O<repo>\dist installer\windows\nerdesk.iss
; Output: dist\nerdesk-<version>-windows-x64-setup.exe
;
; Installs per user by default (no administrator rights needed; the dialog offers all users), adds Start
; menu and optional desktop shortcuts, and registers .nerdesk project files. nerdesk.exe is a console
; program that hides its console when started from Explorer, so the same file serves the shell
; ("nerdesk predict ...") and the training subprocess the window starts.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef DistDir
  #define DistDir "..\..\dist"
#endif
#define AppName "nerdesk"
#define AppExe "nerdesk.exe"
#define ProjectProgId "nerdesk.project"

[Setup]
; AppId identifies the product for upgrades and uninstall; keep it unchanged across versions.
AppId={{651A1EDC-DC82-46D0-8ED0-4EFA315BC1C9}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=nerdesk
AppComments=Named-entity annotation with nested spans, GlobalPointer models and offline prediction
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
SetupIconFile=..\..\resources\app-icon.ico
UninstallDisplayIcon={app}\{#AppExe}
OutputDir={#DistDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=2
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "fileassoc"; Description: "Open .nerdesk project files with {#AppName}"; GroupDescription: "File types:"

[Files]
; The whole PyInstaller folder: nerdesk.exe, models\ and _internal\.
Source: "{#DistDir}\nerdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries and models entirely, so no stale file of an older version stays.
Type: filesandordirs; Name: "{app}\_internal"
Type: filesandordirs; Name: "{app}\models"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Annotate named entities"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\.nerdesk"; ValueType: string; ValueName: ""; ValueData: "{#ProjectProgId}"; Flags: uninsdeletevalue; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#ProjectProgId}"; ValueType: string; ValueName: ""; ValueData: "nerdesk project"; Flags: uninsdeletekey; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#ProjectProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#ProjectProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" gui ""%1"""; Tasks: fileassoc

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
