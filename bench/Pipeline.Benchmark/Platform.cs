// The stack it starts runs on Linux only (see AppHost/Platform.cs), and it reads /proc for the machine report.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
