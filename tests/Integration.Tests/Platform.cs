// The stack these tests start runs on Linux only (see AppHost/Platform.cs).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// One real stack at a time: the fault suite starts its own and must not compete for the two cores.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
