// The AppHost reads /proc and sets thread priorities through libc: it runs on Linux, as the servers it starts do.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
