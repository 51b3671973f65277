using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>
/// WireMock stubs for Graph's <c>/v1.0/subscriptions</c>: create, update (renew), reauthorize and delete, over a small
/// in-memory table so that a forgotten subscription answers 404 the way Graph does. Every call is recorded.
/// </summary>
internal sealed partial class GraphSubscriptionsStub : IDisposable
{
    private readonly ConcurrentDictionary<string, JsonObject> subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedCall> calls = new();
    private int next;

    public GraphSubscriptionsStub()
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^/v1\\.0/subscriptions.*$")).UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(Dispatch));
    }

    public WireMockServer Server { get; }

    /// <summary>Graph's base address with its version segment.</summary>
    public string BaseUrl => Server.Url + "/v1.0";

    /// <summary>The calls received, oldest first.</summary>
    public IReadOnlyList<RecordedCall> Calls => calls.ToList();

    /// <summary>The subscriptions Graph holds now.</summary>
    public IReadOnlyDictionary<string, JsonObject> Subscriptions => subscriptions;

    /// <summary>Makes Graph forget a subscription, as when it expired or was removed on Graph's side.</summary>
    public void Forget(string id) => subscriptions.TryRemove(id, out _);

    /// <summary>The calls with a method and a path.</summary>
    public IReadOnlyList<RecordedCall> CallsTo(string method, string path)
        => Calls.Where(c => c.Method == method && c.Path == path).ToList();

    public void Dispose() => Server.Stop();

    private ResponseMessage Dispatch(IRequestMessage request)
    {
        var path = request.Path;
        var body = request.Body is { Length: > 0 } text ? JsonNode.Parse(text)!.AsObject() : null;
        calls.Enqueue(new RecordedCall(request.Method, path, body));
        if (request.Method == "POST" && path == "/v1.0/subscriptions")
        {
            var id = "sub-" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
            var created = (JsonObject)body!.DeepClone();
            created["id"] = id;
            subscriptions[id] = created;
            return Json(201, created.DeepClone());
        }

        var match = ItemPath().Match(path);
        if (!match.Success)
        {
            return Json(400, Error("BadRequest", "Unexpected path."));
        }

        var subscriptionId = Uri.UnescapeDataString(match.Groups["id"].Value);
        var action = match.Groups["action"].Value;
        if (!subscriptions.TryGetValue(subscriptionId, out var stored))
        {
            return Json(404, Error("ResourceNotFound", "The object was not found."));
        }

        switch (request.Method, action)
        {
            case ("PATCH", ""):
                stored["expirationDateTime"] = body!["expirationDateTime"]!.DeepClone();
                return Json(200, stored.DeepClone());
            case ("POST", "/reauthorize"):
                return new ResponseMessage { StatusCode = 204, Headers = new Dictionary<string, WireMockList<string>>() };
            case ("DELETE", ""):
                subscriptions.TryRemove(subscriptionId, out _);
                return new ResponseMessage { StatusCode = 204, Headers = new Dictionary<string, WireMockList<string>>() };
            default:
                return Json(405, Error("MethodNotAllowed", "Unexpected method."));
        }
    }

    private static JsonObject Error(string code, string message)
        => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static ResponseMessage Json(int status, JsonNode body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
            Headers = new Dictionary<string, WireMockList<string>>(),
        };
        response.AddHeader("Content-Type", "application/json");
        return response;
    }

    [GeneratedRegex("^/v1\\.0/subscriptions/(?<id>[^/]+)(?<action>/reauthorize)?$")]
    private static partial Regex ItemPath();

    /// <summary>One call Graph received.</summary>
    internal sealed record RecordedCall(string Method, string Path, JsonObject? Body);
}
