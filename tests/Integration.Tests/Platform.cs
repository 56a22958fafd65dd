// The stack these tests start runs on Linux only (see AppHost/Platform.cs).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
