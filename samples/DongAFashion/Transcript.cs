namespace DongAFashion;

/// <summary>Prints a step of the scenario for people to read.</summary>
public static class Transcript
{
    public static Action<StepResult> Print(bool english) => result =>
    {
        if (result.Reverified)
        {
            Console.WriteLine(result.Passed
                ? $"[{result.Number,2}/17] ✔ {(english ? "re-verified" : "다시 확인됨")}: {result.Check}"
                : $"[{result.Number,2}/17] ✘ {(english ? "re-verification FAILED" : "다시 확인 실패")}: {result.Check} — {result.Failure}");
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"[{result.Number,2}/17] {result.Actor}: {result.Action}");
        foreach (var detail in result.Details)
        {
            Console.WriteLine($"        · {detail}");
        }

        if (result.Messages.Count > 0)
        {
            Console.WriteLine(english ? "        SNS messages received:" : "        받은 SNS 메시지:");
            foreach (var message in result.Messages)
            {
                // A message of several lines (a digest) keeps its lines under the first.
                Console.WriteLine($"          → {message.Person} [{message.Network} {message.Kind}] {message.Text.Replace("\n", "\n              ", StringComparison.Ordinal)}");
            }
        }

        Console.WriteLine(result.Passed
            ? $"        ✔ {(english ? "passed" : "통과")}: {result.Check}"
            : $"        ✘ {(english ? "FAILED" : "실패")}: {result.Check} — {result.Failure}");
    };
}
