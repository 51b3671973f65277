namespace CoCreation.Sdk;

/// <summary>
/// A participant's data-access export: everything the store holds about the person (their participant record with
/// links and preferences, sessions, grants with expiry, audit entries, deliveries addressed to them, the designs and
/// payouts those deliveries name, and the modules' records of them), and nothing about anyone else.
/// </summary>
/// <remarks>
/// <para>
/// The modules' records are found by the same code that knows where erasure must look: every registered
/// <see cref="IParticipantDataEraser"/> of the SDK's modules also exports what it would erase or anonymise. A document
/// that names several people (an idea with several supporters, a milestone with several attendees) is exported with
/// the person's own entries only. An eraser the application registered itself exports nothing and is named in
/// <see cref="ParticipantDataExportDocument.NotCovered"/>.
/// </para>
/// <para>The export is read from the store only; it calls no provider. See docs/preferences.md for the JSON shape.</para>
/// </remarks>
public interface IParticipantDataExport
{
    /// <summary>Exports the signed-in person's own data.</summary>
    /// <param name="session">The person's session; verified like every person-facing call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The export; <see cref="ParticipantDataExportDocument.ToJson"/> writes it as JSON.</returns>
    /// <exception cref="AccessDeniedException">The session is refused (not issued by the SDK, altered, signed out, expired or its identity unlinked).</exception>
    Task<ParticipantDataExportDocument> ExportAsync(ParticipantSession session, CancellationToken cancellationToken = default);

    /// <summary>Exports a participant's data (company side, for example to answer a request made in writing).</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The export.</returns>
    /// <exception cref="CoCreationValidationException">The id is blank or no such participant exists.</exception>
    Task<ParticipantDataExportDocument> ExportForAsync(string participantId, CancellationToken cancellationToken = default);
}

/// <summary>A participant's data-access export (see <see cref="IParticipantDataExport"/>).</summary>
public sealed record ParticipantDataExportDocument
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>The export format's version.</summary>
    public string Format { get; init; } = "cocreation.participant-export/1";

    /// <summary>When the export was made.</summary>
    public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>The participant record: names, linked identities and accounts, language, preferred network, delivery preferences.</summary>
    public required Participant Participant { get; init; }

    /// <summary>The person's sign-in sessions (no token or hash).</summary>
    public IReadOnlyList<ExportedSession> Sessions { get; init; } = [];

    /// <summary>Every grant of the person, active or ended, with its expiry.</summary>
    public IReadOnlyList<AccessGrant> Grants { get; init; } = [];

    /// <summary>The audit entries about the person, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Audit { get; init; } = [];

    /// <summary>The relay's deliveries addressed to the person, oldest first (other recipients of the same event are not included).</summary>
    public IReadOnlyList<ExportedDelivery> Deliveries { get; init; } = [];

    /// <summary>The designs the person's deliveries name (design events), latest news first.</summary>
    public IReadOnlyList<ExportedDesign> Designs { get; init; } = [];

    /// <summary>The payouts the person's deliveries report (settlement events), oldest first.</summary>
    public IReadOnlyList<ExportedPayout> Payouts { get; init; } = [];

    /// <summary>The modules' records of the person, each filtered to the person's own entries.</summary>
    public IReadOnlyList<ExportedRecord> ModuleRecords { get; init; } = [];

    /// <summary>Registered erasers that export nothing (application code): data they erase is not in this export.</summary>
    public IReadOnlyList<string> NotCovered { get; init; } = [];

    /// <summary>Writes the export as indented JSON (camel-case names, enums as names).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A sign-in session in an export.</summary>
/// <param name="SessionId">The session id (not a secret).</param>
/// <param name="Network">The network signed in through.</param>
/// <param name="SignedInAt">When.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
/// <param name="EndedAt">When it was signed out, if it was.</param>
/// <param name="EndReason">Why it ended.</param>
public sealed record ExportedSession(string SessionId, string Network, DateTimeOffset SignedInAt, DateTimeOffset ExpiresAt, DateTimeOffset? EndedAt, string? EndReason);

/// <summary>A relay delivery addressed to the person, in an export.</summary>
public sealed record ExportedDelivery
{
    /// <summary>The event's type, for example <c>com.cocreation.shipment.sent</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The event's kind (<see cref="DeliveryKinds.Of"/>), the unit delivery preferences choose a mode for.</summary>
    public required string Kind { get; init; }

    /// <summary>When the event happened.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>The relay rule that addressed it to the person.</summary>
    public required string RuleName { get; init; }

    /// <summary>The channel.</summary>
    public required RelayChannel Channel { get; init; }

    /// <summary>Where it stands.</summary>
    public required DeliveryStatus Status { get; init; }

    /// <summary>Attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The event's values that describe the person's own business (design, listing, order, amounts, shipment);
    /// free text and values that could name other people are left out.
    /// </summary>
    public ImmutableSortedDictionary<string, string> Data { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>A design named by the person's deliveries.</summary>
/// <param name="DesignId">The design id at the enterprise system.</param>
/// <param name="Title">Its title, where an event carried it.</param>
/// <param name="LastEventType">The latest design event about it.</param>
/// <param name="LastEventTime">When that happened.</param>
public sealed record ExportedDesign(string DesignId, string? Title, string LastEventType, DateTimeOffset LastEventTime);

/// <summary>A payout reported to the person.</summary>
/// <param name="ListingId">The listing it was for, where the event says.</param>
/// <param name="Amount">The amount as the event gave it.</param>
/// <param name="Currency">The currency.</param>
/// <param name="PaidAt">When the event happened.</param>
public sealed record ExportedPayout(string? ListingId, string? Amount, string? Currency, DateTimeOffset PaidAt);

/// <summary>One module record of the person.</summary>
/// <param name="Module">The module, for example <c>co-development</c>.</param>
/// <param name="Collection">The store collection it is kept in.</param>
/// <param name="Id">Its id in the collection.</param>
/// <param name="Data">The record, filtered to the person's own entries.</param>
public sealed record ExportedRecord(string Module, string Collection, string Id, JsonElement Data);

/// <summary>Collects a module's records of one person for an export.</summary>
internal sealed class ParticipantExportBuilder(Participant participant)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<ExportedRecord> _records = [];

    public Participant Participant { get; } = participant;

    public IReadOnlyList<ExportedRecord> Records => _records;

    /// <summary>Whether an SNS identity is one of the participant's.</summary>
    public bool IsOwnIdentity(string? network, string? subject) => Participant.SnsLinks.Any(l => l.Network == network && l.Subject == subject);

    public void Add<T>(string module, string collection, string id, T data)
        => _records.Add(new ExportedRecord(module, collection, id, JsonSerializer.SerializeToElement(data, Json)));
}

/// <summary>Exports what a module keeps about a person; implemented by the modules' erasers, which know where it is.</summary>
internal interface IParticipantDataExporter
{
    Task ExportAsync(ParticipantExportBuilder export, CancellationToken cancellationToken);
}

/// <summary>Builds exports from the store and the modules' erasers.</summary>
internal sealed class ParticipantDataExport(
    ICoCreationStore store, IAccessGrants grants, TimeProvider time, IEnumerable<IParticipantDataEraser> erasers) : IParticipantDataExport
{
    // Event values that describe the person's own business; everything else (free text, module keys naming other
    // people) stays out of the export.
    private static readonly HashSet<string> ExportedDataKeys = new(StringComparer.Ordinal)
    {
        CoCreationEventData.DesignId, CoCreationEventData.Title, CoCreationEventData.OrderId, CoCreationEventData.Percent,
        CoCreationEventData.Stage, CoCreationEventData.ProductId, CoCreationEventData.ListingId, CoCreationEventData.Quantity,
        CoCreationEventData.OnHand, CoCreationEventData.Threshold, CoCreationEventData.Amount, CoCreationEventData.Currency,
        CoCreationEventData.SaleId, CoCreationEventData.Carrier, CoCreationEventData.TrackingNumber, CoCreationEventData.Rating,
        CoCreationEventData.RefundId, CoCreationEventData.Restocked,
    };

    private readonly IReadOnlyList<IParticipantDataEraser> _erasers = erasers.ToArray();

    public async Task<ParticipantDataExportDocument> ExportAsync(ParticipantSession session, CancellationToken cancellationToken = default)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "must not be null: a person's own export needs their session.");
        }

        var participant = await grants.VerifySessionAsync(session, "data-export", cancellationToken).ConfigureAwait(false);
        return await BuildAsync(participant, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ParticipantDataExportDocument> ExportForAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var participant = await store.GetParticipantAsync(participantId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(nameof(participantId), $"no participant '{participantId}' exists.");
        return await BuildAsync(participant, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ParticipantDataExportDocument> BuildAsync(Participant participant, CancellationToken cancellationToken)
    {
        var id = participant.Id;
        var sessions = new List<ExportedSession>();
        foreach (var (sessionId, json) in await store.ListDocumentsAsync(SessionBook.Collection, cancellationToken).ConfigureAwait(false))
        {
            var record = SessionBook.Deserialize(json);
            if (record?.ParticipantId == id)
            {
                sessions.Add(new ExportedSession(sessionId, record.Network, record.SignedInAt, record.ExpiresAt, record.EndedAt, record.EndReason));
            }
        }

        var messages = new List<OutboxMessage>();
        foreach (var status in Enum.GetValues<DeliveryStatus>())
        {
            messages.AddRange((await store.GetOutboxByStatusAsync(status, cancellationToken).ConfigureAwait(false)).Where(m => m.RecipientId == id));
        }

        var ownAccounts = new HashSet<string>(participant.EnterpriseLinks.Select(l => l.AccountId), StringComparer.Ordinal);
        var deliveries = messages
            .DistinctBy(m => m.DeliveryKey)
            .OrderBy(m => m.CreatedAt)
            .ThenBy(m => m.DeliveryKey, StringComparer.Ordinal)
            .Select(m => new ExportedDelivery
            {
                EventType = m.Event.Type,
                Kind = DeliveryKinds.Of(m.Event.Type),
                EventTime = m.Event.Time,
                RuleName = m.RuleName,
                Channel = m.Channel,
                Status = m.Status,
                Attempts = m.Attempts,
                CreatedAt = m.CreatedAt,
                Data = m.Event.Data
                    .Where(d => ExportedDataKeys.Contains(d.Key)
                        || (d.Key == CoCreationEventData.OwnerAccountId && ownAccounts.Contains(d.Value))
                        || (d.Key == CoCreationEventData.ParticipantId && d.Value == id))
                    .ToImmutableSortedDictionary(StringComparer.Ordinal),
            })
            .ToList();

        var designs = deliveries
            .Where(d => d.Kind == "design" && d.Data.ContainsKey(CoCreationEventData.DesignId))
            .GroupBy(d => d.Data[CoCreationEventData.DesignId], StringComparer.Ordinal)
            .Select(g =>
            {
                var latest = g.MaxBy(d => d.EventTime)!;
                var title = g.OrderByDescending(d => d.EventTime).Select(d => d.Data.GetValueOrDefault(CoCreationEventData.Title)).FirstOrDefault(t => t is not null);
                return new ExportedDesign(g.Key, title, latest.EventType, latest.EventTime);
            })
            .OrderByDescending(d => d.LastEventTime)
            .ToList();

        var payouts = deliveries
            .Where(d => d.EventType == CoCreationEventTypes.SettlementPaid)
            .DistinctBy(d => (d.EventTime, d.Data.GetValueOrDefault(CoCreationEventData.ListingId), d.Data.GetValueOrDefault(CoCreationEventData.Amount)))
            .Select(d => new ExportedPayout(d.Data.GetValueOrDefault(CoCreationEventData.ListingId), d.Data.GetValueOrDefault(CoCreationEventData.Amount), d.Data.GetValueOrDefault(CoCreationEventData.Currency), d.EventTime))
            .ToList();

        // The modules' records: the erasers know where they are, so the export asks the same objects.
        var builder = new ParticipantExportBuilder(participant);
        var notCovered = new List<string>();
        foreach (var eraser in _erasers)
        {
            if (eraser is IParticipantDataExporter exporter)
            {
                await exporter.ExportAsync(builder, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                notCovered.Add(eraser.GetType().FullName ?? eraser.GetType().Name);
            }
        }

        return new ParticipantDataExportDocument
        {
            ExportedAt = time.GetUtcNow(),
            Participant = participant,
            Sessions = sessions,
            Grants = await store.GetGrantsAsync(id, cancellationToken).ConfigureAwait(false),
            Audit = await store.GetAuditAsync(id, cancellationToken).ConfigureAwait(false),
            Deliveries = deliveries,
            Designs = designs,
            Payouts = payouts,
            ModuleRecords = builder.Records.DistinctBy(r => (r.Collection, r.Id)).ToList(),
            NotCovered = notCovered.Distinct(StringComparer.Ordinal).ToList(),
        };
    }
}
