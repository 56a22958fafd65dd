// The stack it starts runs on Linux only (see AppHost/Platform.cs), and it reads /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
