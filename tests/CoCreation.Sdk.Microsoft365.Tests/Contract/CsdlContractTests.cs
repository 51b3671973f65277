using System.Net.Http.Headers;
using System.Text;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CoCreation.Sdk.Microsoft365.Tests.Contract;

/// <summary>The Graph v1.0 metadata shipped with the tests, and a check of WireMock traffic against it.</summary>
internal static class GraphContract
{
    /// <summary>The contract read from <c>Specs/v1.0-cleanMetadata.xml</c> beside the tests (read once per process).</summary>
    public static CsdlContract Contract => CsdlContract.Load(Path.Combine(AppContext.BaseDirectory, "Specs", "v1.0-cleanMetadata.xml"));

    /// <summary>Turns a WireMock request into what the contract checks.</summary>
    public static ContractRequest ToRequest(IRequestMessage message)
    {
        var headers = (message.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ContractRequest(message.Method, Uri.UnescapeDataString(message.AbsolutePath))
        {
            Query = ContractRequest.ParseQuery(message.RawQuery),
            Headers = headers,
            ContentType = headers.GetValueOrDefault("Content-Type"),
            Body = string.IsNullOrEmpty(message.Body) ? null : message.Body,
        };
    }

    /// <summary>Turns a WireMock response into what the contract checks.</summary>
    public static ContractResponse ToResponse(IResponseMessage message)
    {
        var headers = message.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>();
        var contentType = headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        return new ContractResponse(Convert.ToInt32(message.StatusCode, System.Globalization.CultureInfo.InvariantCulture))
        {
            ContentType = contentType,
            Body = message.BodyData?.BodyAsString ?? message.BodyData?.BodyAsJson?.ToString(),
        };
    }

    /// <summary>Checks every logged request; empty when Graph's metadata allows them all.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<ILogEntry> entries)
        => Contract.CheckRequests(entries.Select(e => ToRequest(e.RequestMessage)));

    /// <summary>Checks every logged request and the JSON body of every logged response (for a fake that answers like Graph).</summary>
    public static IReadOnlyList<string> CheckWithResponses(IEnumerable<ILogEntry> entries)
    {
        var problems = new List<string>();
        foreach (var entry in entries)
        {
            var request = ToRequest(entry.RequestMessage);
            problems.AddRange(Contract.CheckRequest(request));
            if (entry.ResponseMessage is { } response)
            {
                problems.AddRange(Contract.CheckResponse(request, ToResponse(response)));
            }
        }

        return problems;
    }
}

/// <summary>
/// <see cref="CsdlContract"/> against the official Graph v1.0 metadata: the requests a Microsoft 365 workspace adapter
/// sends are allowed, and at least ten kinds of wrong request are refused with a message naming the problem.
/// </summary>
[TestFixture]
[Category("Contract")]
public sealed class CsdlContractTests
{
    private const string Json = "application/json";

    private static CsdlContract Graph => GraphContract.Contract;

    /// <summary>The requests a Graph workspace adapter sends (folder, documents, sharing, activity, calendar, notifications, batch).</summary>
    private static IEnumerable<TestCaseData> AdapterRequests()
    {
        yield return Case("create folder", "POST", "/v1.0/drives/b!d1/items/01ROOT/children", body: """{"name": "Chair 2027", "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}""");
        yield return Case("create folder under root", "POST", "/v1.0/drives/b!d1/root/children", body: """{"name": "Chair 2027", "folder": {"childCount": 0}, "description": "Co-development"}""");
        yield return Case("upload small file by path", "PUT", "/v1.0/drives/b!d1/items/01FOLDER:/Plan.docx:/content", contentType: "application/octet-stream", body: "PK\u0003\u0004");
        yield return Case("upload by root path with conflict behaviour", "PUT", "/v1.0/drives/b!d1/root:/Chair 2027/Costs.xlsx:/content", query: "@microsoft.graph.conflictBehavior=rename", contentType: "application/octet-stream", body: "PK");
        yield return Case("item by root path", "GET", "/v1.0/drives/b!d1/root:/Chair 2027/Plan.docx");
        yield return Case("children by path", "GET", "/v1.0/me/drive/root:/Chair 2027:/children", query: "$select=id,name,file,folder&$top=50");
        yield return Case("upload session", "POST", "/v1.0/drives/b!d1/items/01FOLDER:/Sketches.pptx:/createUploadSession", body: """{"item": {"@microsoft.graph.conflictBehavior": "rename", "name": "Sketches.pptx"}}""");
        yield return Case("upload session on item", "POST", "/v1.0/drives/b!d1/items/01FILE/createUploadSession", body: """{"item": {"name": "Plan.docx", "description": "Plan", "fileSize": 20480}}""");
        yield return Case("invite", "POST", "/v1.0/drives/b!d1/items/01FOLDER/invite", body: """{"recipients": [{"email": "minji@example.test"}], "roles": ["write"], "requireSignIn": true, "sendInvitation": false, "message": "Welcome"}""");
        yield return Case("invite, qualified", "POST", "/v1.0/drives/b!d1/items/01FOLDER/microsoft.graph.invite", body: """{"recipients": [{"email": "minji@example.test"}], "roles": ["read"]}""");
        yield return Case("list permissions", "GET", "/v1.0/drives/b!d1/items/01FOLDER/permissions");
        yield return Case("get permission", "GET", "/v1.0/drives/b!d1/items/01FOLDER/permissions/aTowIy5mfG1lbWJlcnNoaXA");
        yield return Case("remove permission", "DELETE", "/v1.0/drives/b!d1/items/01FOLDER/permissions/aTowIy5mfG1lbWJlcnNoaXA");
        yield return Case("delete item", "DELETE", "/v1.0/drives/b!d1/items/01FOLDER");
        yield return Case("rename item", "PATCH", "/v1.0/drives/b!d1/items/01FILE", body: """{"name": "Plan v2.docx", "parentReference": {"id": "01FOLDER"}}""");
        yield return Case("download", "GET", "/v1.0/drives/b!d1/items/01FILE/content");
        yield return Case("delta, plain", "GET", "/v1.0/drives/b!d1/root/delta");
        yield return Case("delta()", "GET", "/v1.0/drives/b!d1/root/delta()");
        yield return Case("microsoft.graph.delta()", "GET", "/v1.0/drives/b!d1/items/01FOLDER/microsoft.graph.delta()");
        yield return Case("delta with token inline", "GET", "/v1.0/drives/b!d1/root/delta(token='MzslMjM0OzE')");
        yield return Case("delta with a decoded token holding '/'", "GET", "/v1.0/drives/b!d1/items/01ROOT/microsoft.graph.delta(token='aGk/dGhlcmU=')");
        yield return Case("file name with an unbalanced parenthesis", "PUT", "/v1.0/drives/b!d1/items/01FOLDER:/Plan (v2.docx:/content", contentType: "application/octet-stream", body: "PK");
        yield return Case("file name with an apostrophe", "GET", "/v1.0/drives/b!d1/root:/Minji's plan (v2).docx:");
        yield return Case("delta with token in query (delta link)", "GET", "/v1.0/drives/b!d1/root/delta", query: "token=MzslMjM0OzE");
        yield return Case("delta with token latest", "GET", "/v1.0/drives/b!d1/root/delta", query: "token=latest&$select=id,name,deleted,parentReference");
        yield return Case("users filtered", "GET", "/v1.0/users", query: "$filter=mail eq 'minji@example.test'&$select=id,mail,displayName");
        yield return Case("user by upn", "GET", "/v1.0/users/minji.kim@example.test", query: "$select=id,mail,displayName,userPrincipalName");
        yield return Case("me drive", "GET", "/v1.0/me/drive", query: "$select=id,driveType");
        yield return Case("group drive", "GET", "/v1.0/groups/0a1b/drive");
        yield return Case("user event", "POST", "/v1.0/users/u1/calendar/events", body: EventBody);
        yield return Case("group event", "POST", "/v1.0/groups/g1/calendar/events", body: EventBody);
        yield return Case("event update", "PATCH", "/v1.0/users/u1/calendar/events/AAMkAG", body: """{"subject": "Fitting (moved)", "isCancelled": false}""");
        yield return Case("event delete", "DELETE", "/v1.0/groups/g1/calendar/events/AAMkAG");
        yield return Case("calendar view", "GET", "/v1.0/users/u1/calendar/calendarView", query: "startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z&$select=subject,start,end&$top=10");
        yield return Case("group calendar view", "GET", "/v1.0/groups/g1/calendarView", query: "startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z");
        yield return Case("calendar view, next page", "GET", "/v1.0/users/u1/calendar/calendarView", query: "$skiptoken=abc");
        yield return Case("calendar view delta", "GET", "/v1.0/users/u1/calendarView/delta()", query: "startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z");
        yield return Case("content with $format", "GET", "/v1.0/drives/b!d1/items/01FILE/content", query: "$format=pdf");
        yield return Case("calendar permission", "POST", "/v1.0/users/u1/calendar/calendarPermissions", body: """{"emailAddress": {"address": "minji@example.test", "name": "Minji"}, "role": "write"}""");
        yield return Case("calendar permission update", "PATCH", "/v1.0/users/u1/calendar/calendarPermissions/RGVm", body: """{"role": "read"}""");
        yield return Case("calendar permission removal", "DELETE", "/v1.0/users/u1/calendar/calendarPermissions/RGVm");
        yield return Case("subscription", "POST", "/v1.0/subscriptions", body: """{"changeType": "updated", "notificationUrl": "https://hooks.example.test/graph", "lifecycleNotificationUrl": "https://hooks.example.test/graph/lifecycle", "resource": "/drives/b!d1/root", "expirationDateTime": "2026-12-07T11:00:00.0000000Z", "clientState": "s3cr3t-state"}""");
        yield return Case("subscription renewal", "PATCH", "/v1.0/subscriptions/7f10", body: """{"expirationDateTime": "2026-12-09T11:00:00Z"}""");
        yield return Case("subscription removal", "DELETE", "/v1.0/subscriptions/7f10");
        yield return Case("subscription reauthorize", "POST", "/v1.0/subscriptions/7f10/reauthorize");
        yield return Case("subscription reauthorize, qualified", "POST", "/v1.0/subscriptions/7f10/microsoft.graph.reauthorize", body: "{}");
        yield return Case("type cast", "GET", "/v1.0/groups/g1/members/microsoft.graph.user", query: "$select=id,mail");
        yield return Case("count", "GET", "/v1.0/groups/g1/members/$count");
        yield return Case("member reference", "POST", "/v1.0/groups/g1/members/$ref", body: """{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u1"}""");
        yield return Case("member reference removal", "DELETE", "/v1.0/groups/g1/members/u1/$ref");
        yield return Case("expand", "GET", "/v1.0/drives/b!d1/items/01FOLDER", query: "$expand=children($select=id,name),permissions");
        yield return Case("batch", "POST", "/v1.0/$batch", body: """
            {"requests": [
              {"id": "1", "method": "POST", "url": "/drives/b!d1/items/01FOLDER/invite", "headers": {"Content-Type": "application/json"},
               "body": {"recipients": [{"email": "minji@example.test"}], "roles": ["write"], "requireSignIn": true, "sendInvitation": false}},
              {"id": "2", "method": "DELETE", "url": "/drives/b!d1/items/01FOLDER/permissions/p1", "dependsOn": ["1"]},
              {"id": "3", "method": "GET", "url": "users?$filter=mail eq 'minji@example.test'&$select=id,mail,displayName"},
              {"id": "4", "method": "POST", "url": "/users/u1/calendar/events", "headers": {"content-type": "application/json"},
               "body": {"subject": "Milestone", "start": {"dateTime": "2026-12-10T09:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-12-10T10:00:00", "timeZone": "UTC"}}}
            ]}
            """);
    }

    /// <summary>Wrong requests, each with the words the problem must contain.</summary>
    private static IEnumerable<TestCaseData> WrongRequests()
    {
        yield return Wrong("unknown entity set", "GET", "/v1.0/folders/1", "'folders' is neither an entity set nor a singleton");
        yield return Wrong("missing version", "GET", "/users", "does not start with the base path /v1.0/");
        yield return Wrong("beta instead of v1.0", "GET", "/beta/users", "does not start with the base path /v1.0/");
        yield return Wrong("unknown navigation property", "GET", "/v1.0/drives/b!d1/items/01FOLDER/kids", "'kids' is not a property, navigation property, type cast, bound action or bound function of microsoft.graph.driveItem");
        yield return Wrong("key on a single-valued navigation", "GET", "/v1.0/drives/b!d1/root/01FILE", "'root' is a single-valued navigation property, so '01FILE' cannot be a key");
        yield return Wrong("key in parentheses on a single-valued navigation", "GET", "/v1.0/users/u1/calendar('c1')", "single-valued navigation property");
        yield return Wrong("key on a singleton", "GET", "/v1.0/me/u1", "the singleton 'me' takes no key");
        yield return Wrong("unknown bound action", "POST", "/v1.0/drives/b!d1/items/01FOLDER/shareFolder", "'shareFolder' is not a property, navigation property, type cast, bound action or bound function of microsoft.graph.driveItem", body: "{}");
        yield return Wrong("action bound only to other types", "POST", "/v1.0/drives/b!d1/items/01FOLDER/share", "no bound action or function 'share' can be called on microsoft.graph.driveItem (it is bound to microsoft.graph.schedule)", body: "{}");
        yield return Wrong("action bound to another type", "POST", "/v1.0/subscriptions/7f10/invite", "no bound action or function 'invite' can be called on microsoft.graph.subscription", body: """{"recipients": []}""");
        yield return Wrong("action called with GET", "GET", "/v1.0/drives/b!d1/items/01FOLDER/invite", "GET is not allowed on the action microsoft.graph.invite");
        yield return Wrong("function called with POST", "POST", "/v1.0/drives/b!d1/root/delta()", "POST is not allowed on the function microsoft.graph.delta");
        yield return Wrong("function with an unknown parameter", "GET", "/v1.0/drives/b!d1/root/delta(since='yesterday')", "no overload of the function microsoft.graph.delta takes (since)");
        yield return Wrong("action with arguments in parentheses", "POST", "/v1.0/subscriptions/7f10/reauthorize(force=true)", "takes its parameters in the body");
        yield return Wrong("unknown body property", "POST", "/v1.0/drives/b!d1/items/01FOLDER/children", "$.title is not a property of microsoft.graph.driveItem", body: """{"title": "Chair", "folder": {}}""");
        yield return Wrong("unknown nested complex property", "POST", "/v1.0/users/u1/calendar/events", "$.start.zone is not a property of microsoft.graph.dateTimeTimeZone", body: """{"subject": "x", "start": {"dateTime": "2026-12-10T09:00:00", "zone": "UTC"}}""");
        yield return Wrong("unknown property deep in a collection", "POST", "/v1.0/users/u1/calendar/events", "$.attendees[0].emailAddress.mail is not a property of microsoft.graph.emailAddress", body: """{"attendees": [{"emailAddress": {"mail": "a@example.test"}, "type": "required"}]}""");
        yield return Wrong("wrong JSON type", "POST", "/v1.0/drives/b!d1/items/01FOLDER/children", "$.folder must be an object (microsoft.graph.folder)", body: """{"name": "Chair", "folder": true}""");
        yield return Wrong("enum value outside the enum", "POST", "/v1.0/users/u1/calendar/calendarPermissions", "$.role must be a member of microsoft.graph.calendarRoleType", body: """{"emailAddress": {"address": "a@example.test"}, "role": "editor"}""");
        yield return Wrong("not a date", "PATCH", "/v1.0/subscriptions/7f10", "$.expirationDateTime must be Edm.DateTimeOffset", body: """{"expirationDateTime": "next week"}""");
        yield return Wrong("null for a non-nullable property", "PATCH", "/v1.0/subscriptions/7f10", "$.expirationDateTime is null, but Edm.DateTimeOffset is not nullable", body: """{"expirationDateTime": null}""");
        yield return Wrong("unknown annotation namespace", "POST", "/v1.0/drives/b!d1/items/01FOLDER/children", "annotation outside the @odata.* and @microsoft.graph.* namespaces", body: """{"name": "x", "folder": {}, "@contoso.flag": true}""");
        yield return Wrong("odata.type not derived", "POST", "/v1.0/users/u1/calendar/events", "@odata.type '#microsoft.graph.user' is not microsoft.graph.event or a type derived from it", body: """{"@odata.type": "#microsoft.graph.user", "subject": "x"}""");
        yield return Wrong("missing required action parameter", "POST", "/v1.0/drives/b!d1/items/01FOLDER/invite", "the required parameter 'recipients' (Collection(microsoft.graph.driveRecipient)) of the action microsoft.graph.invite is missing", body: """{"roles": ["write"]}""");
        yield return Wrong("unknown action parameter", "POST", "/v1.0/drives/b!d1/items/01FOLDER/invite", "$.role is not a parameter of the action microsoft.graph.invite", body: """{"recipients": [{"email": "a@example.test"}], "role": "write"}""");
        yield return Wrong("unknown property in an action parameter", "POST", "/v1.0/drives/b!d1/items/01FOLDER/invite", "$.recipients[0].mail is not a property of microsoft.graph.driveRecipient", body: """{"recipients": [{"mail": "a@example.test"}]}""");
        yield return Wrong("body on an action without parameters", "POST", "/v1.0/subscriptions/7f10/reauthorize", "$.force is not a parameter of the action microsoft.graph.reauthorize (it takes none)", body: """{"force": true}""");
        yield return Wrong("unknown query option", "GET", "/v1.0/users", "?$where is not an OData system query option", query: "$where=mail eq 'a'");
        yield return Wrong("plain query parameter", "GET", "/v1.0/users", "?mail is not an OData system query option", query: "mail=a@example.test");
        yield return Wrong("unknown $select field", "GET", "/v1.0/users", "?$select names 'email', which is not a property of microsoft.graph.user", query: "$select=id,email");
        yield return Wrong("unknown $expand navigation", "GET", "/v1.0/drives/b!d1/items/01FOLDER", "?$expand names 'name', which is not a navigation property of microsoft.graph.driveItem", query: "$expand=name");
        yield return Wrong("bad $top", "GET", "/v1.0/users", "?$top must be a non-negative integer", query: "$top=-1");
        yield return Wrong("wrong method on an entity set", "DELETE", "/v1.0/users", "DELETE is not allowed on the entity set users");
        yield return Wrong("PATCH on a collection", "PATCH", "/v1.0/drives/b!d1/items/01FOLDER/children", "PATCH is not allowed on the collection", body: """{"name": "x"}""");
        yield return Wrong("DELETE on a singleton", "DELETE", "/v1.0/me", "DELETE is not allowed on the singleton me");
        yield return Wrong("PUT to an entity", "PUT", "/v1.0/subscriptions/7f10", "PUT is not allowed on the entity", body: """{"expirationDateTime": "2026-12-09T11:00:00Z"}""");
        yield return Wrong("POST to a stream", "POST", "/v1.0/drives/b!d1/items/01FILE/content", "POST is not allowed on the stream property", contentType: "application/octet-stream", body: "PK");
        yield return Wrong("GET with a body", "GET", "/v1.0/users/u1", "a GET request carries no body", body: """{"x": 1}""");
        yield return Wrong("create without a body", "POST", "/v1.0/subscriptions", "creating a microsoft.graph.subscription needs a JSON body");
        yield return Wrong("body not JSON", "PATCH", "/v1.0/subscriptions/7f10", "the body must be sent as application/json", contentType: "text/plain", body: "expirationDateTime=tomorrow");
        yield return Wrong("path addressing outside a drive", "GET", "/v1.0/users/u1:/Plan.docx:", "path-based addressing (':') applies only to a driveItem");
        yield return Wrong("navigation after a stream", "GET", "/v1.0/drives/b!d1/items/01FILE/content/children", "'children' cannot follow the stream property");
        yield return Wrong("type cast to an unrelated type", "GET", "/v1.0/groups/g1/members/microsoft.graph.driveItem", "the type cast 'microsoft.graph.driveItem' does not derive from microsoft.graph.directoryObject");
        yield return Wrong("$value without a stream", "GET", "/v1.0/subscriptions/7f10/$value", "$value needs a media entity");
        yield return Wrong("$ref on an entity set", "GET", "/v1.0/users/$ref", "$ref applies to a navigation property");
        yield return Wrong("required custom query option missing", "GET", "/v1.0/users/u1/calendar/calendarView", "?endDateTime is required by the collection users/{key}/calendar/calendarView", query: "startDateTime=2026-12-01T00:00:00Z");
        yield return Wrong("required function query option missing", "GET", "/v1.0/users/u1/calendarView/delta()", "?startDateTime is required by the function microsoft.graph.delta bound to Collection(microsoft.graph.event)", query: "endDateTime=2026-12-31T00:00:00Z");
        yield return Wrong("custom query option where none is declared", "GET", "/v1.0/users/u1/calendar/events", "?startDateTime is not an OData system query option", query: "startDateTime=2026-12-01T00:00:00Z");
        yield return Wrong("delete refused by DeleteRestrictions", "DELETE", "/v1.0/users/u1/calendar", "DELETE is not allowed on the entity users/{key}/calendar (microsoft.graph.calendar): the metadata says Deletable is false for microsoft.graph.user/calendar");
        yield return Wrong("update refused by UpdateRestrictions", "PATCH", "/v1.0/groups/g1/calendar", "the metadata says Updatable is false for microsoft.graph.group/calendar", body: """{"name": "x"}""");
        yield return Wrong("insert refused by InsertRestrictions", "POST", "/v1.0/users/u1/calendar/calendarView", "the metadata says Insertable is false for microsoft.graph.calendar/calendarView", body: """{"subject": "x"}""");
        yield return Wrong("$skip refused by SkipSupported", "GET", "/v1.0/users", "?$skip is not supported on the entity set users (Collection(microsoft.graph.user)): the metadata says SkipSupported is false for users", query: "$skip=10");
        yield return Wrong("$filter refused by FilterRestrictions", "GET", "/v1.0/subscriptions", "the metadata says Filterable is false for microsoft.graph.subscription", query: "$filter=resource eq 'x'");
        yield return Wrong("$count segment refused by CountRestrictions", "GET", "/v1.0/drives/$count", "$count is not supported on the entity set drives (Collection(microsoft.graph.drive)): the metadata says Countable is false for drives");
        yield return Wrong("trailing slash", "GET", "/v1.0/users/", "the path ends with '/'");
        yield return Wrong("batch inner request with an unknown property", "POST", "/v1.0/$batch", "batch request '2' (POST /v1.0/users/u1/calendar/events): body $.title is not a property of microsoft.graph.event", body: """
            {"requests": [
              {"id": "1", "method": "GET", "url": "/me"},
              {"id": "2", "method": "POST", "url": "/users/u1/calendar/events", "headers": {"Content-Type": "application/json"}, "body": {"title": "x"}}]}
            """);
        yield return Wrong("batch inner request to an unknown entity set", "POST", "/v1.0/$batch", "batch request '1' (GET /v1.0/folders): 'folders' is neither an entity set nor a singleton", body: """{"requests": [{"id": "1", "method": "GET", "url": "/folders"}]}""");
        yield return Wrong("batch inner action called with GET", "POST", "/v1.0/$batch", "batch request 'a' (GET /v1.0/subscriptions/1/reauthorize): GET is not allowed on the action", body: """{"requests": [{"id": "a", "method": "GET", "url": "subscriptions/1/reauthorize"}]}""");
        yield return Wrong("batch inner body without Content-Type", "POST", "/v1.0/$batch", "a request with a body needs a Content-Type header", body: """{"requests": [{"id": "1", "method": "PATCH", "url": "/subscriptions/1", "body": {"expirationDateTime": "2026-12-09T11:00:00Z"}}]}""");
        yield return Wrong("batch inner absolute url", "POST", "/v1.0/$batch", "'url' must be a path relative to the version", body: """{"requests": [{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me"}]}""");
        yield return Wrong("batch duplicate id and unknown dependency", "POST", "/v1.0/$batch", "the id is used twice", body: """{"requests": [{"id": "1", "method": "GET", "url": "/me"}, {"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]}""");
        yield return Wrong("batch unknown dependency", "POST", "/v1.0/$batch", "dependsOn names '\"9\"', which is not an earlier request", body: """{"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]}""");
        yield return Wrong("batch inner method", "POST", "/v1.0/$batch", "'method' must be one of", body: """{"requests": [{"id": "1", "method": "FETCH", "url": "/me"}]}""");
        yield return Wrong("batch nested in batch", "POST", "/v1.0/$batch", "a JSON batch cannot contain another $batch request", body: """{"requests": [{"id": "1", "method": "POST", "url": "/$batch", "headers": {"Content-Type": "application/json"}, "body": {"requests": []}}]}""");
        yield return Wrong("batch with too many requests", "POST", "/v1.0/$batch", "a JSON batch holds at most 20 requests, this one 21", body: "{\"requests\": [" + string.Join(",", Enumerable.Range(1, 21).Select(i => $"{{\"id\": \"{i}\", \"method\": \"GET\", \"url\": \"/me\"}}")) + "]}");
        yield return Wrong("batch with GET", "GET", "/v1.0/$batch", "GET is not allowed on the JSON batch endpoint");
    }

    private const string EventBody = """
        {"subject": "Fitting", "body": {"contentType": "html", "content": "First fitting"},
         "start": {"dateTime": "2026-12-10T09:00:00", "timeZone": "Asia/Seoul"}, "end": {"dateTime": "2026-12-10T10:00:00", "timeZone": "Asia/Seoul"},
         "attendees": [{"emailAddress": {"address": "minji@example.test", "name": "Minji"}, "type": "required"}],
         "isReminderOn": true, "reminderMinutesBeforeStart": 30, "categories": ["milestone"]}
        """;

    private static IEnumerable<TestCaseData> GoodResponses()
    {
        yield return Answer("created folder", "POST", "/v1.0/drives/b!d1/items/01ROOT/children", 201, """{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#drives('b!d1')/items/$entity", "id": "01NEW", "name": "Chair 2027", "folder": {"childCount": 0}, "parentReference": {"driveId": "b!d1", "id": "01ROOT"}, "createdDateTime": "2026-12-05T12:00:00Z"}""");
        yield return Answer("delta page", "GET", "/v1.0/drives/b!d1/root/delta", 200, """{"value": [{"id": "01A", "name": "Plan.docx", "file": {"mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}, "@microsoft.graph.downloadUrl": "https://files.example.test/1"}, {"id": "01B", "deleted": {"state": "deleted"}}], "@odata.deltaLink": "https://graph.microsoft.com/v1.0/drives/b!d1/root/delta?token=abc"}""");
        yield return Answer("invite result", "POST", "/v1.0/drives/b!d1/items/01FOLDER/invite", 200, """{"value": [{"id": "p1", "roles": ["write"], "grantedTo": {"user": {"id": "u1", "displayName": "Minji", "email": "minji@example.test"}}}]}""");
        yield return Answer("upload session", "POST", "/v1.0/drives/b!d1/items/01FILE/createUploadSession", 200, """{"uploadUrl": "https://upload.example.test/s1", "expirationDateTime": "2026-12-06T12:00:00Z", "nextExpectedRanges": ["0-"]}""");
        yield return Answer("users page", "GET", "/v1.0/users", 200, """{"value": [{"id": "u1", "mail": "minji@example.test", "displayName": "Minji"}], "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=x"}""");
        yield return Answer("open type with a dynamic property", "GET", "/v1.0/drives/b!d1/items/01FILE", 200, """{"id": "01FILE", "name": "Plan.docx", "sharedWithMe": true, "file": {"mimeType": "text/plain"}}""");
        yield return Answer("users delta with a removed user", "GET", "/v1.0/users/delta()", 200, """{"value": [{"id": "u2", "@removed": {"reason": "changed"}}]}""");
        yield return Answer("subscription", "POST", "/v1.0/subscriptions", 201, """{"id": "7f10", "resource": "/drives/b!d1/root", "changeType": "updated", "clientState": null, "expirationDateTime": "2026-12-07T11:00:00Z", "notificationUrl": "https://hooks.example.test/graph"}""");
        yield return Answer("not found", "GET", "/v1.0/drives/b!d1/items/nope", 404, """{"error": {"code": "itemNotFound", "message": "The resource could not be found.", "innerError": {"date": "2026-12-05T12:00:00", "request-id": "r1"}}}""");
        yield return Answer("throttled, empty", "GET", "/v1.0/users", 429, null);
        yield return Answer("download", "GET", "/v1.0/drives/b!d1/items/01FILE/content", 200, "PK\u0003\u0004", "application/octet-stream");
        yield return Answer("batch", "POST", "/v1.0/$batch", 200, """{"responses": [{"id": "1", "status": 204, "body": null}, {"id": "2", "status": 200, "headers": {"Content-Type": "application/json"}, "body": {"value": [{"id": "u1", "mail": "minji@example.test"}]}}]}""",
            requestBody: """{"requests": [{"id": "1", "method": "DELETE", "url": "/subscriptions/7f10"}, {"id": "2", "method": "GET", "url": "/users?$select=id,mail"}]}""");
    }

    private static IEnumerable<TestCaseData> BadResponses()
    {
        yield return Expect(Answer("unknown entity property", "POST", "/v1.0/subscriptions", 201, """{"id": "7f10", "title": "Chair"}"""), "$.title is not a property of microsoft.graph.subscription");
        yield return Expect(Answer("unknown property in a closed nested type", "GET", "/v1.0/drives/b!d1/items/01FILE", 200, """{"id": "01FILE", "file": {"mimeType": "text/plain", "size": 3}}"""), "$.file.size is not a property of microsoft.graph.file");
        yield return Expect(Answer("collection without value", "GET", "/v1.0/users", 200, """{"items": []}"""), "a collection of microsoft.graph.user is sent as {\"value\": [...]}");
        yield return Expect(Answer("unknown envelope member", "GET", "/v1.0/drives/b!d1/root/delta", 200, """{"value": [], "deltaLink": "x"}"""), "$.deltaLink is not part of a response holding Collection(microsoft.graph.driveItem)");
        yield return Expect(Answer("wrong nested type", "POST", "/v1.0/drives/b!d1/items/01FOLDER/invite", 200, """{"value": [{"id": "p1", "roles": "write"}]}"""), "$.value[0].roles must be an array (Collection(Edm.String))");
        yield return Expect(Answer("body from an action returning nothing", "POST", "/v1.0/subscriptions/7f10/reauthorize", 200, """{"ok": true}"""), "the action microsoft.graph.reauthorize returns nothing, but a body was sent");
        yield return Expect(Answer("error without envelope", "GET", "/v1.0/users/u9", 404, """{"message": "not found"}"""), "an error body is {\"error\": {\"code\", \"message\"}}");
        yield return Expect(Answer("error without code", "GET", "/v1.0/users/u9", 404, """{"error": {"message": "not found"}}"""), "error.code must be a string");
        yield return Expect(Answer("batch answering an unknown id", "POST", "/v1.0/$batch", 200, """{"responses": [{"id": "9", "status": 200}]}""", requestBody: """{"requests": [{"id": "1", "method": "GET", "url": "/me"}]}"""), "answers '9', which is not the id of a request in the batch");
        yield return Expect(Answer("batch leaving a request unanswered", "POST", "/v1.0/$batch", 200, """{"responses": []}""", requestBody: """{"requests": [{"id": "1", "method": "GET", "url": "/me"}]}"""), "request '1' of the batch has no response");
        yield return Expect(Answer("batch inner body wrong", "POST", "/v1.0/$batch", 200, """{"responses": [{"id": "1", "status": 200, "body": {"id": "7f10", "email": "x"}}]}""", requestBody: """{"requests": [{"id": "1", "method": "GET", "url": "/subscriptions/7f10"}]}"""), "response '1' (GET /v1.0/subscriptions/7f10 -> 200): body $.email is not a property of microsoft.graph.subscription");
    }

    [TestCaseSource(nameof(GoodResponses))]
    public void AGraphLikeResponse_IsAccepted(ContractRequest request, ContractResponse response)
        => Assert.That(Graph.CheckResponse(request, response), Is.Empty);

    [TestCaseSource(nameof(BadResponses))]
    public void AWrongResponse_IsRefused_NamingTheProblem(ContractRequest request, ContractResponse response, string expected)
    {
        var problems = Graph.CheckResponse(request, response);

        Assert.That(problems, Has.Some.Contains(expected), string.Join(Environment.NewLine, problems));
    }

    private static TestCaseData Expect(TestCaseData answer, string expected)
        => new TestCaseData(answer.Arguments[0], answer.Arguments[1], expected).SetName(answer.TestName!.Replace("Response:", "Wrong response:", StringComparison.Ordinal));

    private static TestCaseData Answer(string name, string method, string path, int status, string? body, string contentType = Json, string? requestBody = null)
        => new TestCaseData(Build(method, path, null, requestBody, null), new ContractResponse(status) { ContentType = body is null ? null : contentType, Body = body }).SetName($"Response: {name}");

    [TestCaseSource(nameof(AdapterRequests))]
    public void AnAdapterRequest_IsAllowed(ContractRequest request)
        => Assert.That(Graph.CheckRequest(request), Is.Empty);

    [TestCaseSource(nameof(WrongRequests))]
    public void AWrongRequest_IsRefused_NamingTheProblem(ContractRequest request, string expected)
    {
        var problems = Graph.CheckRequest(request);

        Assert.That(problems, Has.Some.Contains(expected), string.Join(Environment.NewLine, problems));
        Assert.That(problems, Has.All.StartsWith(request.ToString()), "every problem names the request");
    }

    [Test]
    public void TheRefusedKinds_AreAtLeastTenDistinctOnes()
    {
        var refused = WrongRequests().Where(c => Graph.CheckRequest((ContractRequest)c.Arguments[0]!).Count > 0).Select(c => c.TestName).ToList();

        Assert.That(refused, Has.Count.EqualTo(WrongRequests().Count()).And.Count.GreaterThanOrEqualTo(10));
    }

    [TestCase("/v1.0/drives/b!d1/items/01FOLDER:/Plan.docx:/content", "the stream property drives/{key}/items/{key}:/{path}:/content")]
    [TestCase("/v1.0/drives/b!d1/root:/Chair/Plan.docx", "the entity drives/{key}/root:/{path} (microsoft.graph.driveItem)")]
    [TestCase("/v1.0/drives/b!d1/items/01FOLDER/invite", "the action microsoft.graph.invite bound to microsoft.graph.driveItem")]
    [TestCase("/v1.0/drives/b!d1/root/delta(token='abc')", "the function microsoft.graph.delta bound to microsoft.graph.driveItem (drives/{key}/root/microsoft.graph.delta(token))")]
    [TestCase("/v1.0/users/delta()", "the function microsoft.graph.delta bound to Collection(microsoft.graph.user)")]
    [TestCase("/v1.0/users/u1/calendar/calendarPermissions", "the collection users/{key}/calendar/calendarPermissions (Collection(microsoft.graph.calendarPermission))")]
    [TestCase("/v1.0/me", "the singleton me (microsoft.graph.user)")]
    [TestCase("/v1.0/$batch", "the JSON batch endpoint $batch")]
    public void DescribePath_NamesWhatTheMetadataResolves(string path, string expected)
        => Assert.That(Graph.DescribePath(path), Does.StartWith(expected));

    [Test]
    public void DescribePath_IsNullForAPathTheMetadataDoesNotAddress()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Graph.DescribePath("/v1.0/folders"), Is.Null);
            Assert.That(Graph.DescribePath("/v1.0/drives/b!d1/root/01FILE"), Is.Null);
            Assert.That(Graph.DescribePath("/users"), Is.Null);
        }
    }

    [Test]
    public void TheGraphMetadata_HasTheEntitySetsAndSingletonsAWorkspaceUses()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Graph.EntitySets, Is.SupersetOf(new[] { "users", "groups", "drives", "subscriptions", "sites" }));
            Assert.That(Graph.Singletons, Does.Contain("me"));
            Assert.That(Graph.BasePath, Is.EqualTo("/v1.0"));
        }
    }

    [Test]
    public void Load_ReadsEachFileOnce()
        => Assert.That(CsdlContract.Load(Path.Combine(AppContext.BaseDirectory, "Specs", "v1.0-cleanMetadata.xml")), Is.SameAs(Graph));

    [Test]
    public void WithBasePath_ChecksPathsUnderAnotherPrefix()
    {
        var mounted = Graph.WithBasePath("/graph/v1.0/");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mounted.BasePath, Is.EqualTo("/graph/v1.0"));
            Assert.That(mounted.CheckRequest(new ContractRequest("GET", "/graph/v1.0/me/drive")), Is.Empty);
            Assert.That(mounted.CheckRequest(new ContractRequest("GET", "/v1.0/me/drive")), Has.Some.Contains("base path /graph/v1.0/"));
            Assert.That(Graph.WithBasePath(string.Empty).CheckRequest(new ContractRequest("GET", "/me/drive")), Is.Empty);
            Assert.Throws<ArgumentException>(() => Graph.WithBasePath("v1.0"));
        }
    }

    [Test]
    public void Parse_ReadsAHandWrittenDocument_WithAliasesInheritanceAndBoundOperations()
    {
        var contract = CsdlContract.Parse("""
            <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
              <edmx:DataServices>
                <Schema Namespace="contoso.crm" Alias="crm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
                  <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
                  <EntityType Name="party" BaseType="crm.entity"><Property Name="name" Type="Edm.String" /><Property Name="address" Type="crm.address" /></EntityType>
                  <EntityType Name="customer" BaseType="crm.party"><Property Name="tier" Type="crm.tier" /><NavigationProperty Name="orders" Type="Collection(crm.order)" ContainsTarget="true" /></EntityType>
                  <EntityType Name="order" BaseType="crm.entity"><Property Name="total" Type="Edm.Decimal" /></EntityType>
                  <ComplexType Name="place"><Property Name="city" Type="Edm.String" /></ComplexType>
                  <ComplexType Name="address" BaseType="crm.place"><Property Name="street" Type="Edm.String" /></ComplexType>
                  <EnumType Name="tier"><Member Name="gold" Value="0" /><Member Name="silver" Value="1" /></EnumType>
                  <Action Name="ship" IsBound="true"><Parameter Name="bindingParameter" Type="crm.order" /><Parameter Name="carrier" Type="Edm.String" Nullable="false" /></Action>
                  <Function Name="top" IsBound="true"><Parameter Name="bindingParameter" Type="Collection(crm.customer)" /><Parameter Name="n" Type="Edm.Int32" /><ReturnType Type="Collection(crm.customer)" /></Function>
                  <EntityContainer Name="crm"><EntitySet Name="customers" EntityType="crm.customer" /></EntityContainer>
                </Schema>
              </edmx:DataServices>
            </edmx:Edmx>
            """).WithBasePath("/api");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(contract.CheckRequest(new ContractRequest("POST", "/api/customers") { Body = """{"name": "Acme", "tier": "gold", "address": {"city": "Seoul", "street": "Main"}}""" }), Is.Empty);
            Assert.That(contract.CheckRequest(new ContractRequest("POST", "/api/customers/c1/orders/o1/contoso.crm.ship") { Body = """{"carrier": "post"}""" }), Is.Empty);
            Assert.That(contract.CheckRequest(new ContractRequest("GET", "/api/customers/crm.top(n=3)") { Query = ContractRequest.ParseQuery("$select=name,tier") }), Is.Empty);
            Assert.That(contract.CheckRequest(new ContractRequest("POST", "/api/customers") { Body = """{"tier": "bronze", "address": {"zip": "1"}}""" }), Has.Count.EqualTo(2));
            Assert.That(contract.CheckRequest(new ContractRequest("POST", "/api/customers/c1/orders/o1/ship") { Body = "{}" }), Has.Some.Contains("the required parameter 'carrier'"));
        }
    }

    [TestCase("<root />", "not an OData CSDL document")]
    [TestCase("<edmx:Edmx xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices /></edmx:Edmx>", "declares no Schema")]
    [TestCase("<edmx:Edmx", "not well-formed XML")]
    public void Parse_RefusesADocumentThatIsNotCsdl(string xml, string expected)
        => Assert.That(() => CsdlContract.Parse(xml), Throws.TypeOf<FormatException>().With.Message.Contains(expected));

    [Test]
    public void Load_RefusesAFileThatIsNotCsdl_AndReadsItAgainNextTime()
    {
        var file = Path.Combine(Path.GetTempPath(), $"csdl-{Guid.NewGuid():N}.xml");
        try
        {
            File.WriteAllText(file, "<root />");
            Assert.Throws<FormatException>(() => CsdlContract.Load(file));
            File.WriteAllText(file, """
                <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
                  <Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
                    <EntityType Name="t"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" /></EntityType>
                    <EntityContainer Name="c"><EntitySet Name="ts" EntityType="n.t" /></EntityContainer>
                  </Schema></edmx:DataServices></edmx:Edmx>
                """);
            Assert.That(CsdlContract.Load(file).EntitySets, Is.EqualTo(new[] { "ts" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task AWireMockLog_OfRealHttpTraffic_IsCheckedRequestByRequestAsync()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Logger = new WireMockNullLogger() });
        server.Given(Request.Create().UsingAnyMethod()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(204));
        server.Given(Request.Create().UsingGet().WithPath("/v1.0/subscriptions/7f10")).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", Json).WithBody("""{"id": "7f10", "colour": "red"}"""));
        using var http = new HttpClient { BaseAddress = new Uri(server.Url! + "/v1.0/") };

        await SendAsync(http, HttpMethod.Post, "drives/b!d1/items/01ROOT/children", """{"name": "Chair 2027", "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}""");
        await SendAsync(http, HttpMethod.Put, "drives/b!d1/items/01FOLDER:/Plan.docx:/content", "PK", "application/octet-stream");
        await SendAsync(http, HttpMethod.Get, "users?$filter=mail%20eq%20'minji%40example.test'&$select=id,mail,displayName");
        await SendAsync(http, HttpMethod.Get, "drives/b!d1/root/delta(token='MzslMjM0OzE')");
        await SendAsync(http, HttpMethod.Post, "$batch", """{"requests": [{"id": "1", "method": "DELETE", "url": "/subscriptions/7f10"}]}""");
        SpinWait.SpinUntil(() => server.LogEntries.Count() >= 5, TimeSpan.FromSeconds(5));
        var clean = server.LogEntries.ToList();

        await SendAsync(http, HttpMethod.Post, "drives/b!d1/items/01FOLDER/invite", """{"roles": ["write"]}""");
        await SendAsync(http, HttpMethod.Get, "subscriptions/7f10");
        SpinWait.SpinUntil(() => server.LogEntries.Count() >= 7, TimeSpan.FromSeconds(5));
        var all = server.LogEntries.ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(clean, Has.Count.EqualTo(5));
            Assert.That(GraphContract.Check(clean), Is.Empty);
            Assert.That(GraphContract.CheckWithResponses(clean), Is.Empty);
            Assert.That(GraphContract.Check(all), Has.One.Contains("the required parameter 'recipients'"));
            Assert.That(GraphContract.CheckWithResponses(all), Has.Count.EqualTo(2).And.Some.Contains("$.colour is not a property of microsoft.graph.subscription"));
        }
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string uri, string? body = null, string mediaType = Json)
    {
        using var message = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        using var response = await http.SendAsync(message);
        response.EnsureSuccessStatusCode();
    }

    private static TestCaseData Case(string name, string method, string path, string? query = null, string? body = null, string? contentType = null)
        => new TestCaseData(Build(method, path, query, body, contentType)).SetName($"Allowed: {name}");

    private static TestCaseData Wrong(string name, string method, string path, string expected, string? query = null, string? body = null, string? contentType = null)
        => new TestCaseData(Build(method, path, query, body, contentType), expected).SetName($"Refused: {name}");

    private static ContractRequest Build(string method, string path, string? query, string? body, string? contentType)
        => new(method, path)
        {
            Query = ContractRequest.ParseQuery(query?.Replace("+", "%2B", StringComparison.Ordinal)),
            ContentType = body is null ? null : contentType ?? Json,
            Body = body,
        };
}
