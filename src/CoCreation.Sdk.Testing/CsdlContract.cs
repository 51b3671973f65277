using System.Collections.Concurrent;
using System.Globalization;
using System.Xml;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Checks HTTP traffic against an OData CSDL document such as the Microsoft Graph v1.0 metadata
/// (<c>v1.0-cleanMetadata.xml</c>), reading it the way Graph's own client generator does: a path is an entity set or a
/// singleton (<c>users</c>, <c>me</c>, <c>drives</c>) followed by keys, navigation properties, type casts, bound actions
/// and functions, <c>$value</c>/<c>$count</c>/<c>$ref</c>, stream properties and OneDrive's path-based addressing
/// (<c>root:/folder/Plan.docx:</c>); the HTTP method must suit what the path names; only OData system query options are
/// sent, and <c>$select</c>/<c>$expand</c> name members of the resource type; a JSON body only holds properties of the
/// entity or complex type (through its base types, recursively) or an action's parameters, with the action's required
/// parameters present; JSON batch requests (<c>POST /$batch</c>) are checked request by request.
/// </summary>
/// <remarks>
/// <para>
/// Names are compared as the document spells them (case-sensitively), so a misspelled member is refused even though the
/// Graph service itself may be lenient. Open types (<c>OpenType="true"</c>, for example <c>driveItem</c> and
/// <c>event</c>) are checked like closed ones: a body property the document does not declare is reported, since in a
/// client it is almost always a typo. Instance annotations (<c>@odata.type</c>, <c>@microsoft.graph.conflictBehavior</c>)
/// and property annotations (<c>members@odata.bind</c>) are allowed; <c>@odata.type</c> switches to the derived type it names.
/// </para>
/// <para>
/// The capability annotations Graph's generator reads are honoured where they narrow what a client may send:
/// <c>InsertRestrictions</c>/<c>UpdateRestrictions</c>/<c>DeleteRestrictions</c> refuse POST/PATCH/DELETE
/// (for example <c>DELETE /users/{id}/calendar</c>); <c>FilterRestrictions</c>, <c>SearchRestrictions</c>,
/// <c>CountRestrictions</c>, <c>ExpandRestrictions</c>, <c>SortRestrictions</c>, <c>SkipSupported</c> and
/// <c>TopSupported</c> refuse the matching query option; <c>CustomQueryOptions</c> (in <c>ReadRestrictions</c>, also
/// through <c>NavigationRestrictions</c>, and in a function's <c>OperationRestrictions</c>) allow their names and demand
/// the required ones on the first page (for example <c>calendarView</c>'s <c>startDateTime</c> and <c>endDateTime</c>).
/// </para>
/// <para>
/// <see cref="CheckResponse(ContractRequest, ContractResponse)"/> checks what a fake answers: entity and collection bodies, action and function results,
/// batch responses and Graph's error envelope.
/// </para>
/// <para>Instances are immutable after loading and safe for concurrent use; <see cref="Load"/> reads each file once per process.</para>
/// </remarks>
public sealed partial class CsdlContract
{
    /// <summary>The system query options a Graph request may carry.</summary>
    private static readonly HashSet<string> SystemQueryOptions = new(StringComparer.Ordinal)
    {
        "$select", "$expand", "$filter", "$top", "$skip", "$orderby", "$count", "$search", "$skiptoken", "$deltatoken", "$format",
    };

    private static readonly ConcurrentDictionary<string, Lazy<CsdlContract>> Cache = new(StringComparer.Ordinal);

    private readonly CsdlModel model;

    private CsdlContract(CsdlModel model, string basePath)
    {
        this.model = model;
        BasePath = basePath;
    }

    /// <summary>The path prefix every request path starts with; <c>/v1.0</c> unless changed with <see cref="WithBasePath"/>.</summary>
    public string BasePath { get; }

    /// <summary>The entity sets of the document's entity container, for example <c>users</c> and <c>drives</c>.</summary>
    public IReadOnlyCollection<string> EntitySets => model.EntitySets.Keys;

    /// <summary>The singletons of the document's entity container, for example <c>me</c>.</summary>
    public IReadOnlyCollection<string> Singletons => model.Singletons.Keys;

    /// <summary>Loads a CSDL document from a file, once per process for each full path.</summary>
    /// <param name="path">The file, for example <c>Specs/v1.0-cleanMetadata.xml</c>.</param>
    /// <returns>The contract, with the base path <c>/v1.0</c>.</returns>
    /// <exception cref="FormatException">The file is not an OData CSDL document.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CsdlContract Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var lazy = Cache.GetOrAdd(full, f => new Lazy<CsdlContract>(() => Read(XmlReader.Create(f, ReaderSettings))));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not keep a failed read: the next call tries the file again.
            Cache.TryRemove(new KeyValuePair<string, Lazy<CsdlContract>>(full, lazy));
            throw;
        }
    }

    /// <summary>Parses a CSDL document.</summary>
    /// <param name="xml">The document's XML text.</param>
    /// <returns>The contract, with the base path <c>/v1.0</c>.</returns>
    /// <exception cref="FormatException">The text is not an OData CSDL document.</exception>
    public static CsdlContract Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return Read(XmlReader.Create(new StringReader(xml), ReaderSettings));
    }

    /// <summary>The same contract for requests whose paths start with another prefix (the model is shared, not copied).</summary>
    /// <param name="basePath">The prefix, for example <c>/v1.0</c> or <c>/graph/v1.0</c>; empty when paths start at the entity set.</param>
    /// <returns>The contract.</returns>
    public CsdlContract WithBasePath(string basePath)
    {
        ArgumentNullException.ThrowIfNull(basePath);
        var trimmed = basePath.Trim().TrimEnd('/');
        if (trimmed.Length > 0 && !trimmed.StartsWith('/'))
        {
            throw new ArgumentException($"The base path '{basePath}' must start with '/'.", nameof(basePath));
        }

        return new CsdlContract(model, trimmed);
    }

    /// <summary>Describes what a path addresses, for example <c>action microsoft.graph.invite on microsoft.graph.driveItem</c>.</summary>
    /// <param name="path">The request path, including <see cref="BasePath"/>.</param>
    /// <returns>The description, or <see langword="null"/> when the document does not address this path.</returns>
    public string? DescribePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!TryStripBase(path, out var relative))
        {
            return null;
        }

        return Resolve(relative, EmptyNames, out _) is { } target ? target.Describe() : null;
    }

    /// <summary>Checks one request.</summary>
    /// <param name="request">The request, its path percent-decoded.</param>
    /// <returns>One line per problem, each naming the request; empty when the document allows the request.</returns>
    public IReadOnlyList<string> CheckRequest(ContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        Check(request, request.ToString(), problems, depth: 0);
        return problems;
    }

    /// <summary>Checks many requests, for example everything a fake server logged during a test.</summary>
    /// <param name="requests">The requests.</param>
    /// <returns>The problems of all requests; empty when the document allows every one.</returns>
    public IReadOnlyList<string> CheckRequests(IEnumerable<ContractRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var problems = new List<string>();
        foreach (var request in requests)
        {
            ArgumentNullException.ThrowIfNull(request, nameof(requests));
            Check(request, request.ToString(), problems, depth: 0);
        }

        return problems;
    }

    private static XmlReaderSettings ReaderSettings { get; } = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };

    private static readonly HashSet<string> EmptyNames = new(StringComparer.Ordinal);

    private static CsdlContract Read(XmlReader reader)
    {
        using (reader)
        {
            return new CsdlContract(CsdlModel.Read(reader), "/v1.0");
        }
    }

    /// <summary>The first capability restriction of the target's scopes that refuses <paramref name="key"/>, described.</summary>
    private string? Restricted(Target target, Func<CsdlRestrictions, Dictionary<string, string>> pick, string key)
    {
        foreach (var scope in target.Scopes)
        {
            if (model.Restrictions.TryGetValue(scope, out var restrictions) && pick(restrictions).TryGetValue(key, out var reason))
            {
                return $"{reason} for {scope[(scope.IndexOf(':', StringComparison.Ordinal) + 1)..]}";
            }
        }

        return null;
    }

    /// <summary>The custom query options (name, required) the target's scopes or function declare.</summary>
    private Dictionary<string, bool> CustomQueryOptions(Target target)
    {
        var options = new Dictionary<string, bool>(target.Operation?.CustomQueryOptions ?? [], StringComparer.Ordinal);
        foreach (var scope in target.Scopes)
        {
            if (model.Restrictions.TryGetValue(scope, out var restrictions))
            {
                foreach (var (name, required) in restrictions.CustomQueryOptions)
                {
                    options[name] = (options.TryGetValue(name, out var before) ? before : true) && required;
                }
            }
        }

        return options;
    }

    private bool TryStripBase(string path, out string relative)
    {
        relative = string.Empty;
        if (BasePath.Length == 0)
        {
            relative = path.TrimStart('/');
            return true;
        }

        if (path.StartsWith(BasePath + "/", StringComparison.Ordinal))
        {
            relative = path[(BasePath.Length + 1)..];
            return true;
        }

        return false;
    }

    private void Check(ContractRequest request, string label, List<string> problems, int depth)
    {
        var method = request.Method.ToUpperInvariant();
        if (!TryStripBase(request.Path, out var relative))
        {
            problems.Add($"{label}: the path does not start with the base path {BasePath}/.");
            return;
        }

        if (relative.Length == 0)
        {
            problems.Add($"{label}: the path names no entity set or singleton.");
            return;
        }

        var functionNames = request.Query.Keys.Where(k => !k.StartsWith('$') && !k.StartsWith('@')).ToHashSet(StringComparer.Ordinal);
        var target = Resolve(relative, functionNames, out var pathProblem);
        if (target is null)
        {
            problems.Add($"{label}: {pathProblem}");
            return;
        }

        var allowed = target.AllowedMethods();
        if (!allowed.Contains(method, StringComparer.Ordinal))
        {
            problems.Add($"{label}: {method} is not allowed on {target.Describe()} (allowed: {string.Join(", ", allowed)}).");
        }
        else if (target.Kind is TargetKind.EntitySet or TargetKind.Collection or TargetKind.Entity or TargetKind.Singleton
            && Restricted(target, r => r.RefusedMethods, method) is { } refusal)
        {
            problems.Add($"{label}: {method} is not allowed on {target.Describe()}: the metadata says {refusal}.");
        }

        CheckQuery(request, target, label, problems);
        if (target.Kind == TargetKind.Batch)
        {
            if (depth > 0)
            {
                problems.Add($"{label}: a JSON batch cannot contain another $batch request.");
                return;
            }

            CheckBatch(request, label, problems);
            return;
        }

        CheckBody(request, method, target, label, problems);
    }
}
