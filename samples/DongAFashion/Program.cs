using System.Reflection;
using DongAFashion;
using DongAFashion.Local;

var language = "ko";
var reset = false;
var inMemory = false;
string? dataRoot = null;
var through = 17;
var providers = "embedded";
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
    else if (arg == "--providers" && i + 1 < args.Length)
    {
        providers = args[++i];
    }
    else if (arg.StartsWith("--providers=", StringComparison.Ordinal))
    {
        providers = arg["--providers=".Length..];
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
        Console.Error.WriteLine("Usage: DongAFashion [--lang ko|en] [--providers embedded|local] [--reset] [--steps 1-17] [--data <folder>] [--in-memory]");
        return 2;
    }
}

if (language is not ("ko" or "en"))
{
    Console.Error.WriteLine($"Unknown language '{language}'. Use --lang ko or --lang en.");
    return 2;
}

if (providers is not ("embedded" or "local"))
{
    Console.Error.WriteLine($"Unknown providers '{providers}'. Use --providers embedded or --providers local.");
    return 2;
}

Console.OutputEncoding = System.Text.Encoding.UTF8;
var english = language == "en";
string T(string korean, string englishText) => english ? englishText : korean;

if (providers == "local")
{
    return await RunLocalAsync();
}
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

// The 17 steps on the real local systems the peers' scripts start (Bluesky PDS, Tryton, Vendure); each run is a new
// story with new people, checked at the systems themselves.
async Task<int> RunLocalAsync()
{
    if (reset || inMemory || dataRoot is not null)
    {
        Console.Error.WriteLine("--reset, --data and --in-memory apply to the embedded providers; a local run is a new story every time.");
        return 2;
    }

    var peers = Environment.GetEnvironmentVariable("COCREATION_PEERS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(RepositoryRoot(), "artifacts", "peers");
    var settings = LocalSettings.Load(peers, out var missing);
    if (settings is null)
    {
        Console.Error.WriteLine(T("실제 로컬 시스템을 찾지 못했습니다. 없는 변수:", "The real local systems were not found. Missing variables:"));
        foreach (var variable in missing)
        {
            Console.Error.WriteLine("  " + variable);
        }

        Console.Error.WriteLine(T("먼저 시작하세요:", "Start them first:"));
        Console.Error.WriteLine($"  export COCREATION_PEERS_DIR={peers}");
        Console.Error.WriteLine("  for peer in bluesky tryton vendure; do bash eng/peers/$peer/up.sh; done");
        return 2;
    }

    Console.WriteLine(T(
        "동아패션: CoCreation.Sdk 커뮤니티 제품 디자인 시나리오 (실제 로컬 시스템: Bluesky PDS, Tryton, Vendure)",
        "Dong-A Fashion: community product design on CoCreation.Sdk (real local systems: Bluesky PDS, Tryton, Vendure)"));
    Console.WriteLine(new string('=', 72));
    await using var story = await LocalStory.StartAsync(settings, language);
    Console.WriteLine(T(
        $"브랜드 @{story.Brand.Handle}, 디자이너 @{story.Minji.Handle}, 생산 담당 @{story.Junho.Handle}",
        $"brand @{story.Brand.Handle}, designer @{story.Minji.Handle}, production manager @{story.Junho.Handle}"));
    var results = await story.RunThroughAsync(through, Transcript.Print(english));
    Console.WriteLine(new string('=', 72));
    var passedLocal = results.Count(r => r.Passed);
    Console.WriteLine(T($"17단계 중 {passedLocal}단계 통과 (실제 시스템에서 확인).", $"{passedLocal} of 17 steps passed (checked at the real systems)."));
    return passedLocal == through ? 0 : 1;
}

// The folder holding the solution when run from the source tree, else the current folder.
static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CoCreation.Sdk.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
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
