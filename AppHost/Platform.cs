// The orchestrator signals processes through libc and reads /proc: it runs on Linux, as the servers it starts do.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
