// The stack this suite starts runs on Linux only (see AppHost/Platform.cs).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
