using System.Reflection;
using DongAFashion;

var language = "ko";
var reset = false;
var inMemory = false;
string? dataRoot = null;
var through = 17;
for (var i = 0; i < args.Length; i++)
{
    var arg = args[i];
    if (arg == "--lang" && i + 1 < args.Length)
    {
        language = args[++i];
    }
    else if (arg.StartsWith("--lang=", StringComparison.Ordinal))
    {
        language = arg["--lang=".Length..];
    }
    else if (arg == "--reset")
    {
        reset = true;
    }
    else if (arg == "--in-memory")
    {
        inMemory = true;
    }
    else if (arg == "--data" && i + 1 < args.Length)
    {
        dataRoot = args[++i];
    }
    else if (arg == "--steps" && i + 1 < args.Length && int.TryParse(args[++i], out var steps) && steps is >= 1 and <= 17)
    {
        through = steps;
    }
    else
    {
        Console.Error.WriteLine($"Unknown argument '{arg}'.");
        Console.Error.WriteLine("Usage: DongAFashion [--lang ko|en] [--reset] [--steps 1-17] [--data <folder>] [--in-memory]");
        return 2;
    }
}

if (language is not ("ko" or "en"))
{
    Console.Error.WriteLine($"Unknown language '{language}'. Use --lang ko or --lang en.");
    return 2;
}

Console.OutputEncoding = System.Text.Encoding.UTF8;
var english = language == "en";
string T(string korean, string englishText) => english ? englishText : korean;
Console.WriteLine(T(
    "동아패션: CoCreation.Sdk 커뮤니티 제품 디자인 시나리오 (내장 제공자)",
    "Dong-A Fashion: community product design on CoCreation.Sdk (embedded providers)"));
Console.WriteLine(new string('=', 72));

DongAFashionScenario scenario;
if (inMemory)
{
    Console.WriteLine(T("저장하지 않음: 모든 상태는 메모리에만 있습니다.", "Not stored: all state is in memory."));
    scenario = new DongAFashionScenario(language);
}
else
{
    // One folder per language: the stored story's messages and titles are in the language it was told in.
    var directory = Path.Combine(dataRoot ?? DefaultDataRoot(), language);
    if (reset && Directory.Exists(directory))
    {
        Directory.Delete(directory, recursive: true);
        Console.WriteLine(T($"--reset: 저장된 상태를 지웠습니다 ({directory}).", $"--reset: deleted the stored state ({directory})."));
    }

    scenario = await DongAFashionScenario.OpenAsync(language, directory);
    Console.WriteLine(T($"저장 위치: {directory} (처음부터 하려면 --reset)", $"Stored in: {directory} (--reset to start over)"));
    if (scenario.CompletedBefore > 0)
    {
        Console.WriteLine(scenario.CompletedBefore >= through
            ? T($"이전 실행을 찾았습니다: 17단계 중 {scenario.CompletedBefore}단계 완료. 더 실행할 단계가 없습니다.", $"Found a previous run: {scenario.CompletedBefore} of 17 steps completed. Nothing left to run.")
            : T($"이전 실행을 찾았습니다: 17단계 중 {scenario.CompletedBefore}단계 완료. {scenario.CompletedBefore + 1}단계부터 이어갑니다.", $"Found a previous run: {scenario.CompletedBefore} of 17 steps completed; continuing with step {scenario.CompletedBefore + 1}."));
    }
}

await using (scenario)
{
    if (scenario.CompletedBefore > 0)
    {
        foreach (var line in await scenario.DescribeStoredStateAsync())
        {
            Console.WriteLine("  · " + line);
        }

        // The stored story is not taken on trust: every completed step is checked again at the providers.
        Console.WriteLine(T(
            $"완료된 {scenario.CompletedBefore}단계를 제공자의 현재 상태로 다시 확인합니다:",
            $"Re-verifying the {scenario.CompletedBefore} completed steps against the providers' current state:"));
        var rechecked = await scenario.ReverifyAsync(Transcript.Print(english));
        if (rechecked.LastOrDefault() is { Passed: false } broken)
        {
            Console.WriteLine(new string('=', 72));
            Console.WriteLine(T(
                $"다시 확인 실패: {broken.Number}단계 ({broken.Action})의 결과가 더 이상 유지되지 않습니다: {broken.Failure}",
                $"Re-verification FAILED at step {broken.Number} ({broken.Action}): {broken.Failure}"));
            return 1;
        }
    }

    var results = await scenario.RunThroughAsync(through, Transcript.Print(english));
    var passed = results.Count(r => r.Passed);
    var failed = results.Count - passed;
    Console.WriteLine(new string('=', 72));
    if (scenario.DataDirectory is null || scenario.CompletedBefore == 0)
    {
        Console.WriteLine(T($"17단계 중 {passed}단계 통과.", $"{passed} of 17 steps passed."));
    }
    else if (results.Count == 0)
    {
        Console.WriteLine(T(
            $"17단계 중 {scenario.Completed}단계 완료, {scenario.Reverified}단계 모두 제공자에서 다시 확인됨.",
            $"{scenario.Completed} of 17 steps completed; all {scenario.Reverified} re-verified against the providers."));
    }
    else
    {
        Console.WriteLine(T(
            $"17단계 중 {scenario.Completed}단계 완료 ({scenario.Reverified}단계 다시 확인, 이번 실행에서 {passed}단계 통과).",
            $"{scenario.Completed} of 17 steps completed ({scenario.Reverified} re-verified, {passed} passed in this run)."));
    }

    return failed == 0 && scenario.Completed >= through ? 0 : 1;
}

// The project's data/ folder when run from the source tree, else data/ beside the program.
static string DefaultDataRoot()
{
    var built = typeof(DongAFashionScenario).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "DataDirectory")?.Value;
    if (built is not null && Directory.Exists(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(built))))
    {
        return built;
    }

    return Path.Combine(AppContext.BaseDirectory, "data");
}
