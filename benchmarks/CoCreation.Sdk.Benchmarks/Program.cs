using BenchmarkDotNet.Running;

// The switcher lets `--filter`, `--list` and the other BenchmarkDotNet arguments pick what runs.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
