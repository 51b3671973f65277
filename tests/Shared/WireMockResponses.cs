using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace CoCreation.Sdk.Tests.Shared;

/// <summary>The plain answers every WireMock provider fake builds its own from: JSON with a status, and 204.</summary>
internal static class WireMockResponses
{
    /// <summary>A JSON answer, UTF-8, with the given <c>Content-Type</c> (providers differ in how they spell the charset).</summary>
    public static ResponseMessage Json(int status, JsonNode body, string contentType = "application/json; charset=utf-8")
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
            Headers = new Dictionary<string, WireMockList<string>>(),
        };
        response.AddHeader("Content-Type", contentType);
        return response;
    }

    /// <summary>204 No Content.</summary>
    public static ResponseMessage NoContent() => new() { StatusCode = 204, Headers = new Dictionary<string, WireMockList<string>>() };
}
