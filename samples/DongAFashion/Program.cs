using DongAFashion;

var language = "ko";
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--lang" && i + 1 < args.Length)
    {
        language = args[++i];
    }
    else if (args[i].StartsWith("--lang=", StringComparison.Ordinal))
    {
        language = args[i]["--lang=".Length..];
    }
}

if (language is not ("ko" or "en"))
{
    Console.Error.WriteLine($"Unknown language '{language}'. Use --lang ko or --lang en.");
    return 2;
}

Console.OutputEncoding = System.Text.Encoding.UTF8;
var english = language == "en";
Console.WriteLine(english
    ? "Dong-A Fashion: community product design on CoCreation.Sdk (embedded providers)"
    : "동아패션: CoCreation.Sdk 커뮤니티 제품 디자인 시나리오 (내장 제공자)");
Console.WriteLine(new string('=', 72));

await using var scenario = new DongAFashionScenario(language);
var results = await scenario.RunThroughAsync(17, Transcript.Print(english));
var passed = results.Count(r => r.Passed);
Console.WriteLine(new string('=', 72));
Console.WriteLine(english ? $"{passed} of 17 steps passed." : $"17단계 중 {passed}단계 통과.");
return passed == 17 ? 0 : 1;
