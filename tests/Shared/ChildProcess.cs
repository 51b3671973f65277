using System.Diagnostics;
using System.Reflection;

namespace CoCreation.Sdk.Tests.Shared;

/// <summary>
/// A .NET program of the test suite run as a separate process (to be killed with SIGKILL in crash tests), with its
/// standard output handed line by line to the test and its standard error kept for the failure message.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _errors = [];
    private string _lastLine = "";

    private ChildProcess(Process process) => _process = process;

    /// <summary>The last line the program wrote to standard output.</summary>
    public string LastLine
    {
        get
        {
            lock (_gate)
            {
                return _lastLine;
            }
        }
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Finds a program's dll with its runtimeconfig.json: beside the test assembly (a project reference copies it), else
    /// in the folder the test assembly names in its <see cref="AssemblyMetadataAttribute"/> <paramref name="metadataKey"/>.
    /// Fails the test when neither has it.
    /// </summary>
    public static string Find(Assembly tests, string name, string metadataKey)
    {
        var candidates = new List<string> { AppContext.BaseDirectory };
        var built = tests.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == metadataKey)?.Value;
        if (built is not null)
        {
            candidates.Add(built);
        }

        foreach (var directory in candidates)
        {
            var dll = Path.Combine(directory, name + ".dll");
            if (File.Exists(dll) && File.Exists(Path.Combine(directory, name + ".runtimeconfig.json")))
            {
                return dll;
            }
        }

        Assert.Fail($"{name}.dll with its runtimeconfig.json was not found in: {string.Join("; ", candidates)}. Build tests/{name} first.");
        return null!;
    }

    /// <summary>Starts <paramref name="dll"/> with the dotnet host that runs the tests.</summary>
    /// <param name="dll">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables to set for it (secrets go here, not on the command line).</param>
    /// <param name="onLine">Called with each line of standard output, under the process's own lock.</param>
    /// <param name="onExit">Called once the process has ended, if given.</param>
    public static ChildProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, Action<string> onLine, Action? onExit = null)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = onExit is not null };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._gate)
                {
                    child._lastLine = e.Data;
                    onLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._gate)
                {
                    child._errors.Add(e.Data);
                }
            }
        };
        if (onExit is not null)
        {
            process.Exited += (_, _) => onExit();
        }

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends SIGKILL and waits for the process to go; true when it had already exited.</summary>
    public bool Kill()
    {
        if (_process.HasExited)
        {
            return true;
        }

        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        return false;
    }

    /// <summary>Waits for the process to end on its own, and for its output to be read.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        await _process.WaitForExitAsync(timeout.Token);

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Exit code or "running", the last output line and the last lines of standard error.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var state = _process.HasExited ? $"exit code {_process.ExitCode}" : "running";
            return $"{state}, last line '{_lastLine}', errors: {string.Join(" | ", _errors.TakeLast(20))}";
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
