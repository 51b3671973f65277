using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Embedded;

/// <summary>
/// An in-process cloud service: accounts, workspaces (a folder and a calendar each), documents with revisions,
/// calendar entries, shares and a per-workspace activity feed, held in memory. It is the shared "world" that
/// company connectors (<see cref="CreateConnector"/>) and members (<see cref="EditDocument"/>, <see cref="Comment"/>,
/// <see cref="MoveEntry"/>) act on; member actions are checked against the member's share role.
/// </summary>
/// <remarks>
/// <para>Safe for concurrent use: every operation takes one lock. Time comes only from the injected <see cref="TimeProvider"/>.</para>
/// <para>
/// When <see cref="EmbeddedCloudOptions.DatabasePath"/> is set, every change (accounts, workspaces, documents and
/// their revisions and comments, calendar entries, shares, activity) is committed to that SQLite file before the
/// call returns, and a service created on the same file later finds it all again, so activity cursors handed out
/// before a restart stay valid. One instance at a time may open a file.
/// </para>
/// </remarks>
public sealed class EmbeddedCloudService : IDisposable
{
    /// <summary>The service kind reported in connector metadata and in exceptions raised outside a connector.</summary>
    internal const string ProviderKind = "embedded";

    internal const string Host = "embedded.local";

    private const int MaxActivityPageSize = 100;
    private const int MaxDisplayNameLength = 100;
    private const int MaxCommentLength = 10_000;

    private const string AccountRecords = "account";
    private const string WorkspaceRecords = "workspace";
    private const string DocumentRecords = "document";
    private const string RevisionRecords = "revision";
    private const string CommentRecords = "comment";
    private const string EntryRecords = "entry";
    private const string ShareRecords = "share";
    private const string ActivityRecords = "activity";

    private readonly TimeProvider clock;
    private readonly Dictionary<string, AccountState> accountsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountState> accountsByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, WorkspaceState> workspaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DocumentState> documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EntryState> entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShareState> shares = new(StringComparer.Ordinal);
    private readonly EmbeddedStore store;

    /// <summary>
    /// Creates a service: empty and in memory, or, when <see cref="EmbeddedCloudOptions.DatabasePath"/> is set,
    /// with the state stored in that file (created when missing).
    /// </summary>
    /// <param name="options">How the service behaves; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="CoCreationValidationException">The database path is blank or not a usable path.</exception>
    /// <exception cref="CoCreationException">The database file is in use by another instance, corrupt, or not an embedded cloud database.</exception>
    public EmbeddedCloudService(EmbeddedCloudOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new EmbeddedCloudOptions();
        clock = timeProvider ?? TimeProvider.System;
        store = new EmbeddedStore(this, Options.DatabasePath, "cloud", "embedded cloud", "EmbeddedCloudOptions.DatabasePath", ProviderKind, "The embedded cloud service", LoadLocked);
    }

    /// <summary>The full path of the database file, or <see langword="null"/> when the service lives in memory only.</summary>
    public string? DatabasePath => store.Database?.Path;

    /// <summary>
    /// Closes the database file, if any. Afterwards a stored service refuses every change with
    /// <see cref="ObjectDisposedException"/> (reads still answer from memory); an in-memory service is unaffected.
    /// </summary>
    public void Dispose() => store.Dispose();

    /// <summary>How the service behaves.</summary>
    public EmbeddedCloudOptions Options { get; }

    /// <summary>Registers a person's account.</summary>
    /// <param name="email">The account's e-mail address, unique regardless of case.</param>
    /// <param name="displayName">A name for people.</param>
    /// <returns>The account (its <see cref="CloudAccount.Provider"/> is <c>embedded</c>).</returns>
    /// <exception cref="CoCreationValidationException">The address or display name is not valid.</exception>
    /// <exception cref="CoCreationConflictException">An account with that address exists.</exception>
    public CloudAccount RegisterAccount(string email, string? displayName = null)
    {
        var address = CoCreationGuard.Email(email, nameof(email));
        if (displayName is not null)
        {
            displayName = CoCreationGuard.NotBlank(displayName, nameof(displayName)).Trim();
            CoCreationGuard.MaxLength(displayName, MaxDisplayNameLength, nameof(displayName));
        }

        lock (store.Gate)
        {
            if (accountsByEmail.ContainsKey(address))
            {
                throw new CoCreationConflictException("An account with that e-mail address already exists.");
            }

            return WriteLocked(() => ToCloudAccount(AddAccountLocked(address, displayName), ProviderKind));
        }
    }

    /// <summary>Creates a connector that acts as the company: it owns the workspaces, documents and entries it creates.</summary>
    /// <remarks>All connectors of one service act for the same company and see the same workspaces.</remarks>
    /// <param name="name">The name the app registers the connector under.</param>
    /// <returns>The connector.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank.</exception>
    public EmbeddedCloudWorkspace CreateConnector(string name)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        return new EmbeddedCloudWorkspace(this, name.Trim());
    }

    /// <summary>A member reads a document's current content. Needs at least the <see cref="WorkspaceRole.Viewer"/> role.</summary>
    /// <param name="accountId">The member's account.</param>
    /// <param name="documentId">The document.</param>
    /// <returns>The content of the latest revision.</returns>
    /// <exception cref="ResourceNotFoundException">No such account or document.</exception>
    /// <exception cref="ProviderException">403 <c>forbidden</c>: the member has no share, or too low a role.</exception>
    public string ReadDocument(string accountId, string documentId)
    {
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        CoCreationGuard.NotBlank(documentId, nameof(documentId));
        lock (store.Gate)
        {
            var document = FindDocumentLocked(documentId, ProviderKind);
            RequireRoleLocked(accountId, document.WorkspaceId, WorkspaceRole.Viewer, "read this document");
            return document.Revisions[^1].Content;
        }
    }

    /// <summary>A member saves new content to a document as a new revision. Needs the <see cref="WorkspaceRole.Editor"/> role.</summary>
    /// <param name="accountId">The member's account.</param>
    /// <param name="documentId">The document.</param>
    /// <param name="content">The whole new content (may be empty).</param>
    /// <returns>The document at its new revision.</returns>
    /// <exception cref="ResourceNotFoundException">No such account or document.</exception>
    /// <exception cref="ProviderException">403 <c>forbidden</c>: the member has no share, or too low a role.</exception>
    public DocumentRef EditDocument(string accountId, string documentId, string content)
    {
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        CoCreationGuard.NotBlank(documentId, nameof(documentId));
        if (content is null)
        {
            throw new CoCreationValidationException(nameof(content), "must not be null; use an empty string to clear the document.");
        }

        return Write(() =>
        {
            var document = FindDocumentLocked(documentId, ProviderKind);
            var workspace = workspaces[document.WorkspaceId];
            RequireRoleLocked(accountId, workspace.Id, WorkspaceRole.Editor, "edit this document");
            var now = clock.GetUtcNow();
            AddRevisionLocked(document, new DocumentRevision(document.Revisions.Count + 1, content, accountId, now));
            AddActivityLocked(workspace, WorkspaceActivityKind.DocumentEdited, accountId, document.Id, document.Title, now);
            return ToDocumentRef(document);
        });
    }

    /// <summary>A member comments on a document. Needs at least the <see cref="WorkspaceRole.Commenter"/> role.</summary>
    /// <param name="accountId">The member's account.</param>
    /// <param name="documentId">The document.</param>
    /// <param name="text">The comment.</param>
    /// <exception cref="CoCreationValidationException">The comment is blank or longer than 10,000 characters.</exception>
    /// <exception cref="ResourceNotFoundException">No such account or document.</exception>
    /// <exception cref="ProviderException">403 <c>forbidden</c>: the member has no share, or too low a role.</exception>
    public void Comment(string accountId, string documentId, string text)
    {
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        CoCreationGuard.NotBlank(documentId, nameof(documentId));
        CoCreationGuard.NotBlank(text, nameof(text));
        CoCreationGuard.MaxLength(text, MaxCommentLength, nameof(text));
        Write(() =>
        {
            var document = FindDocumentLocked(documentId, ProviderKind);
            var workspace = workspaces[document.WorkspaceId];
            RequireRoleLocked(accountId, workspace.Id, WorkspaceRole.Commenter, "comment on this document");
            var now = clock.GetUtcNow();
            document.Comments.Add((accountId, text, now));
            store.Database?.Put(
                CommentRecords,
                document.Id + "/" + document.Comments.Count.ToString(CultureInfo.InvariantCulture),
                new CloudCommentRecord(document.Id, accountId, text, now),
                EmbeddedJsonContext.Default.CloudCommentRecord);
            AddActivityLocked(workspace, WorkspaceActivityKind.DocumentCommented, accountId, document.Id, document.Title, now);
            return true;
        });
    }

    /// <summary>A member moves a calendar entry. Needs the <see cref="WorkspaceRole.Editor"/> role.</summary>
    /// <param name="accountId">The member's account.</param>
    /// <param name="entryId">The entry.</param>
    /// <param name="start">The new start.</param>
    /// <param name="end">The new end; after <paramref name="start"/>.</param>
    /// <returns>The moved entry.</returns>
    /// <exception cref="CoCreationValidationException">The end is not after the start.</exception>
    /// <exception cref="ResourceNotFoundException">No such account or entry.</exception>
    /// <exception cref="ProviderException">403 <c>forbidden</c>: the member has no share, or too low a role.</exception>
    public ScheduleEntry MoveEntry(string accountId, string entryId, DateTimeOffset start, DateTimeOffset end)
    {
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        CoCreationGuard.NotBlank(entryId, nameof(entryId));
        if (end <= start)
        {
            throw new CoCreationValidationException(nameof(end), "must be after start.");
        }

        return Write(() =>
        {
            if (!entries.TryGetValue(entryId, out var entry))
            {
                throw new ResourceNotFoundException(ProviderKind, "entry", entryId);
            }

            var workspace = workspaces[entry.WorkspaceId];
            RequireRoleLocked(accountId, workspace.Id, WorkspaceRole.Editor, "move this entry");
            entry.Start = start;
            entry.End = end;
            StageEntry(entry);
            AddActivityLocked(workspace, WorkspaceActivityKind.EventMoved, accountId, entry.Id, entry.Title, clock.GetUtcNow());
            return ToScheduleEntry(entry);
        });
    }

    /// <summary>The active shares of a workspace, in the order they were made.</summary>
    /// <param name="workspaceId">The workspace.</param>
    /// <returns>The shares; revoked ones are not listed.</returns>
    /// <exception cref="ResourceNotFoundException">No such workspace.</exception>
    public IReadOnlyList<ShareRef> GetShares(string workspaceId)
    {
        CoCreationGuard.NotBlank(workspaceId, nameof(workspaceId));
        lock (store.Gate)
        {
            return FindWorkspaceLocked(workspaceId, ProviderKind).ActiveShares.Values
                .OrderBy(s => s.Sequence)
                .Select(ToShareRef)
                .ToList();
        }
    }

    /// <summary>A document's revisions, oldest first; revision 1 is the initial content.</summary>
    /// <param name="documentId">The document.</param>
    /// <returns>The revisions.</returns>
    /// <exception cref="ResourceNotFoundException">No such document.</exception>
    public IReadOnlyList<DocumentRevision> GetRevisions(string documentId)
    {
        CoCreationGuard.NotBlank(documentId, nameof(documentId));
        lock (store.Gate)
        {
            return FindDocumentLocked(documentId, ProviderKind).Revisions.ToList();
        }
    }

    /// <summary>The calendar entries of a workspace, in the order they were created.</summary>
    /// <param name="workspaceId">The workspace.</param>
    /// <returns>The entries with their attendees.</returns>
    /// <exception cref="ResourceNotFoundException">No such workspace.</exception>
    public IReadOnlyList<ScheduleEntry> GetScheduleEntries(string workspaceId)
    {
        CoCreationGuard.NotBlank(workspaceId, nameof(workspaceId));
        lock (store.Gate)
        {
            return FindWorkspaceLocked(workspaceId, ProviderKind).Entries.Select(ToScheduleEntry).ToList();
        }
    }

    /// <summary>Reads an account as the service holds it now.</summary>
    /// <param name="accountId">The account id.</param>
    /// <returns>The account (its <see cref="CloudAccount.Provider"/> is <c>embedded</c>).</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    public CloudAccount GetAccount(string accountId)
    {
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        lock (store.Gate)
        {
            return accountsById.TryGetValue(accountId, out var account)
                ? ToCloudAccount(account, ProviderKind)
                : throw new ResourceNotFoundException(ProviderKind, "account", accountId);
        }
    }

    /// <summary>
    /// Replaces an account's address and name with the neutral values of <see cref="ErasedPerson"/>, and the address
    /// or name where the service repeats them (calendar attendees, member activity); the account keeps its id. A stored
    /// service then checkpoints its file, so the old values are in neither the file nor its write-ahead log. Idempotent.
    /// </summary>
    internal CloudAccount AnonymizeAccount(string provider, string accountId)
    {
        lock (store.Gate)
        {
            var result = WriteLocked(() =>
            {
                if (!accountsById.TryGetValue(accountId, out var old))
                {
                    throw new ResourceNotFoundException(provider, "account", accountId);
                }

                var anonymous = old with { Email = ErasedPerson.Email(old.Id), DisplayName = ErasedPerson.AccountDisplayName };
                if (anonymous == old)
                {
                    return ToCloudAccount(old, provider);
                }

                accountsById[old.Id] = anonymous;
                accountsByEmail.Remove(old.Email);
                accountsByEmail[anonymous.Email] = anonymous;
                store.Database?.Put(AccountRecords, old.Id, new CloudAccountRecord(old.Id, anonymous.Email, anonymous.DisplayName), EmbeddedJsonContext.Default.CloudAccountRecord);
                foreach (var entry in entries.Values.Where(e => e.Attendees.Contains(old.Email, StringComparer.OrdinalIgnoreCase)))
                {
                    entry.Attendees = [.. entry.Attendees.Select(a => string.Equals(a, old.Email, StringComparison.OrdinalIgnoreCase) ? anonymous.Email : a)];
                    StageEntry(entry);
                }

                foreach (var workspace in workspaces.Values)
                {
                    for (var i = 0; i < workspace.Activity.Count; i++)
                    {
                        var activity = workspace.Activity[i];
                        if (activity.TargetId == old.Id && activity.TargetName is { } name && (name == old.Email || name == old.DisplayName))
                        {
                            workspace.Activity[i] = activity with { TargetName = anonymous.DisplayName };
                            store.Database?.Put(ActivityRecords, activity.Id, new CloudActivityRecord(workspace.Id, workspace.Activity[i]), EmbeddedJsonContext.Default.CloudActivityRecord);
                        }
                    }
                }

                return ToCloudAccount(anonymous, provider);
            });
            store.Database?.Checkpoint();
            return result;
        }
    }

    internal CloudAccount ResolveAccount(string provider, string email)
    {
        lock (store.Gate)
        {
            if (accountsByEmail.TryGetValue(email, out var account))
            {
                return ToCloudAccount(account, provider);
            }

            if (!Options.AutoCreateAccounts)
            {
                throw new ResourceNotFoundException(provider, "account", email);
            }

            return WriteLocked(() => ToCloudAccount(AddAccountLocked(email, null), provider));
        }
    }

    internal WorkspaceRef CreateWorkspace(string provider, string ownerAccountId, WorkspaceSpec spec)
    {
        lock (store.Gate)
        {
            var workspace = new WorkspaceState(
                NewId("ws"),
                spec.Name.Trim(),
                spec.Description,
                spec.TimeZone,
                NewId("cal"),
                ownerAccountId);
            return WriteLocked(() =>
            {
                workspaces.Add(workspace.Id, workspace);
                store.Database?.Put(
                    WorkspaceRecords,
                    workspace.Id,
                    new CloudWorkspaceRecord(workspace.Id, workspace.Name, workspace.Description, workspace.TimeZone, workspace.CalendarId, workspace.OwnerAccountId),
                    EmbeddedJsonContext.Default.CloudWorkspaceRecord);
                return ToWorkspaceRef(workspace, provider);
            });
        }
    }

    internal DocumentRef CreateDocument(string provider, string ownerAccountId, WorkspaceRef workspaceRef, DocumentSpec spec)
    {
        return Write(() =>
        {
            var workspace = FindWorkspaceLocked(workspaceRef.Id, provider);
            var now = clock.GetUtcNow();
            var document = new DocumentState(NewId("doc"), workspace.Id, spec.Title.Trim(), spec.Kind);
            documents.Add(document.Id, document);
            store.Database?.Put(DocumentRecords, document.Id, new CloudDocumentRecord(document.Id, document.WorkspaceId, document.Title, document.Kind), EmbeddedJsonContext.Default.CloudDocumentRecord);
            AddRevisionLocked(document, new DocumentRevision(1, spec.InitialContent ?? string.Empty, ownerAccountId, now));
            AddActivityLocked(workspace, WorkspaceActivityKind.DocumentCreated, ownerAccountId, document.Id, document.Title, now);
            return ToDocumentRef(document);
        });
    }

    internal ShareRef Share(string provider, string ownerAccountId, WorkspaceRef workspaceRef, CloudAccount member, WorkspaceRole role)
    {
        return Write(() =>
        {
            var workspace = FindWorkspaceLocked(workspaceRef.Id, provider);
            if (!accountsById.TryGetValue(member.AccountId, out var account))
            {
                throw new ResourceNotFoundException(provider, "account", member.AccountId);
            }

            if (workspace.ActiveShares.TryGetValue(account.Id, out var existing))
            {
                if (existing.Role != role)
                {
                    existing.Role = role;
                    StageShare(existing);
                    AddActivityLocked(workspace, WorkspaceActivityKind.MemberAdded, ownerAccountId, account.Id, account.DisplayName ?? account.Email, clock.GetUtcNow());
                }

                return ToShareRef(existing);
            }

            var share = new ShareState(NewId("perm"), workspace.Id, account.Id, role, shares.Count + 1);
            shares.Add(share.Id, share);
            workspace.ActiveShares.Add(account.Id, share);
            StageShare(share);
            AddActivityLocked(workspace, WorkspaceActivityKind.MemberAdded, ownerAccountId, account.Id, account.DisplayName ?? account.Email, clock.GetUtcNow());
            return ToShareRef(share);
        });
    }

    internal void RevokeShare(string ownerAccountId, ShareRef shareRef)
    {
        lock (store.Gate)
        {
            // Revoking is idempotent: a share that is gone, or never was, is already in the wanted state.
            if (!shares.TryGetValue(shareRef.Id, out var share) || !share.Active
                || !string.Equals(share.WorkspaceId, shareRef.WorkspaceId, StringComparison.Ordinal))
            {
                return;
            }

            WriteLocked(() =>
            {
                share.Active = false;
                var workspace = workspaces[share.WorkspaceId];
                workspace.ActiveShares.Remove(share.AccountId);
                StageShare(share);
                var account = accountsById[share.AccountId];
                AddActivityLocked(workspace, WorkspaceActivityKind.MemberRemoved, ownerAccountId, account.Id, account.DisplayName ?? account.Email, clock.GetUtcNow());
                return true;
            });
        }
    }

    internal ScheduleEntry Schedule(string provider, string ownerAccountId, WorkspaceRef workspaceRef, ScheduleEntrySpec spec)
    {
        return Write(() =>
        {
            var workspace = FindWorkspaceLocked(workspaceRef.Id, provider);
            var entry = new EntryState(
                NewId("evt"),
                workspace.Id,
                spec.Title.Trim(),
                spec.Attendees.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                spec.Description)
            {
                Start = spec.Start,
                End = spec.End,
            };
            entries.Add(entry.Id, entry);
            workspace.Entries.Add(entry);
            StageEntry(entry);
            AddActivityLocked(workspace, WorkspaceActivityKind.EventScheduled, ownerAccountId, entry.Id, entry.Title, clock.GetUtcNow());
            return ToScheduleEntry(entry);
        });
    }

    internal ActivityPage GetActivity(string provider, WorkspaceRef workspaceRef, string? cursor)
    {
        lock (store.Gate)
        {
            var workspace = FindWorkspaceLocked(workspaceRef.Id, provider);
            var position = cursor is null ? 0 : DecodeCursor(cursor, workspace);
            var items = workspace.Activity.Skip(position).Take(MaxActivityPageSize).ToList();
            var next = position + items.Count;
            return new ActivityPage(items, EncodeCursor(workspace.Id, next), next < workspace.Activity.Count);
        }
    }

    private static string EncodeCursor(string workspaceId, int position)
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"v1|{workspaceId}|{position.ToString(CultureInfo.InvariantCulture)}"));

    private static int DecodeCursor(string cursor, WorkspaceState workspace)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
            if (parts.Length == 3 && parts[0] == "v1" && string.Equals(parts[1], workspace.Id, StringComparison.Ordinal)
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                && position <= workspace.Activity.Count)
            {
                return position;
            }
        }
        catch (FormatException)
        {
            // Falls through to the validation error below.
        }

        throw new CoCreationValidationException("cursor", "is not an activity cursor of this workspace.");
    }

    private static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N");

    private AccountState AddAccountLocked(string email, string? displayName)
    {
        var account = new AccountState(NewId("acct"), email, displayName);
        accountsById.Add(account.Id, account);
        accountsByEmail.Add(account.Email, account);
        store.Database?.Put(AccountRecords, account.Id, new CloudAccountRecord(account.Id, account.Email, account.DisplayName), EmbeddedJsonContext.Default.CloudAccountRecord);
        return account;
    }

    private void AddRevisionLocked(DocumentState document, DocumentRevision revision)
    {
        document.Revisions.Add(revision);
        store.Database?.Put(
            RevisionRecords,
            document.Id + "/" + revision.Number.ToString(CultureInfo.InvariantCulture),
            new CloudRevisionRecord(document.Id, revision),
            EmbeddedJsonContext.Default.CloudRevisionRecord);
    }

    private void StageShare(ShareState share)
        => store.Database?.Put(
            ShareRecords,
            share.Id,
            () => new CloudShareRecord(share.Id, share.WorkspaceId, share.AccountId, share.Role, share.Sequence, share.Active),
            EmbeddedJsonContext.Default.CloudShareRecord);

    private void StageEntry(EntryState entry)
        => store.Database?.Put(
            EntryRecords,
            entry.Id,
            () => new CloudEntryRecord(entry.Id, entry.WorkspaceId, entry.Title, entry.Attendees, entry.Description, entry.Start, entry.End),
            EmbeddedJsonContext.Default.CloudEntryRecord);

    /// <summary>
    /// Runs a write under the lock and, for a stored service, commits what it staged before returning. When the
    /// write fails after staging, or the commit fails, the state is read back from the file, so memory never
    /// holds a change the file does not.
    /// </summary>
    private T WriteLocked<T>(Func<T> write) => store.WriteLocked(write, LoadLocked);

    /// <summary>Takes the lock and runs a write as <see cref="WriteLocked{T}"/> does.</summary>
    private T Write<T>(Func<T> write) => store.Write(write, LoadLocked);

    /// <summary>Rebuilds the state from the database file.</summary>
    private void LoadLocked(EmbeddedDatabase db)
    {
        accountsById.Clear();
        accountsByEmail.Clear();
        workspaces.Clear();
        documents.Clear();
        entries.Clear();
        shares.Clear();
        var records = db.ReadAll();
        var json = EmbeddedJsonContext.Default;
        try
        {
            EmbeddedRecordReader.Apply(db, records, AccountRecords, json.CloudAccountRecord, (_, r) =>
            {
                var account = new AccountState(r.Id, r.Email, r.DisplayName);
                accountsById.Add(account.Id, account);
                accountsByEmail.Add(account.Email, account);
            });
            EmbeddedRecordReader.Apply(db, records, WorkspaceRecords, json.CloudWorkspaceRecord, (_, r) =>
                workspaces.Add(r.Id, new WorkspaceState(r.Id, r.Name, r.Description, r.TimeZone, r.CalendarId, r.OwnerAccountId)));
            EmbeddedRecordReader.Apply(db, records, DocumentRecords, json.CloudDocumentRecord, (_, r) =>
                documents.Add(r.Id, new DocumentState(r.Id, r.WorkspaceId, r.Title, r.Kind)));
            EmbeddedRecordReader.Apply(db, records, RevisionRecords, json.CloudRevisionRecord, (_, r) =>
                documents[r.DocumentId].Revisions.Add(r.Revision));
            EmbeddedRecordReader.Apply(db, records, CommentRecords, json.CloudCommentRecord, (_, r) =>
                documents[r.DocumentId].Comments.Add((r.AccountId, r.Text, r.At)));
            EmbeddedRecordReader.Apply(db, records, EntryRecords, json.CloudEntryRecord, (_, r) =>
            {
                var entry = new EntryState(r.Id, r.WorkspaceId, r.Title, r.Attendees, r.Description) { Start = r.Start, End = r.End };
                entries.Add(entry.Id, entry);
                workspaces[entry.WorkspaceId].Entries.Add(entry);
            });
            EmbeddedRecordReader.Apply(db, records, ShareRecords, json.CloudShareRecord, (_, r) =>
            {
                var share = new ShareState(r.Id, r.WorkspaceId, r.AccountId, r.Role, r.Sequence) { Active = r.Active };
                shares.Add(share.Id, share);
                if (share.Active)
                {
                    workspaces[share.WorkspaceId].ActiveShares.Add(share.AccountId, share);
                }
            });
            EmbeddedRecordReader.Apply(db, records, ActivityRecords, json.CloudActivityRecord, (_, r) =>
                workspaces[r.WorkspaceId].Activity.Add(r.Activity));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException)
        {
            throw new CoCreationException($"The embedded cloud database '{db.Path}' is inconsistent (a record refers to one that is missing or repeats one); the file is damaged.", ex);
        }

        // Revisions are numbered from 1; the records may come back in any order within a document.
        foreach (var document in documents.Values)
        {
            document.Revisions.Sort((a, b) => a.Number.CompareTo(b.Number));
        }
    }

    private void RequireRoleLocked(string accountId, string workspaceId, WorkspaceRole needed, string action)
    {
        if (!accountsById.ContainsKey(accountId))
        {
            throw new ResourceNotFoundException(ProviderKind, "account", accountId);
        }

        var workspace = workspaces[workspaceId];
        if (!workspace.ActiveShares.TryGetValue(accountId, out var share) || share.Role < needed)
        {
            throw new ProviderException(
                ProviderKind,
                $"The account may not {action}: it needs the {needed} role in workspace '{workspaceId}'.",
                HttpStatusCode.Forbidden,
                "forbidden");
        }
    }

    private WorkspaceState FindWorkspaceLocked(string workspaceId, string provider)
        => workspaces.TryGetValue(workspaceId, out var workspace)
            ? workspace
            : throw new ResourceNotFoundException(provider, "workspace", workspaceId);

    private DocumentState FindDocumentLocked(string documentId, string provider)
        => documents.TryGetValue(documentId, out var document)
            ? document
            : throw new ResourceNotFoundException(provider, "document", documentId);

    private void AddActivityLocked(WorkspaceState workspace, WorkspaceActivityKind kind, string? actor, string targetId, string? targetName, DateTimeOffset at)
    {
        var activity = new WorkspaceActivity
        {
            Id = NewId("act"),
            Kind = kind,
            ActorAccountId = actor,
            TargetId = targetId,
            TargetName = targetName,
            OccurredAt = at,
        };
        workspace.Activity.Add(activity);
        store.Database?.Put(ActivityRecords, activity.Id, new CloudActivityRecord(workspace.Id, activity), EmbeddedJsonContext.Default.CloudActivityRecord);
    }

    private static CloudAccount ToCloudAccount(AccountState account, string provider) => new()
    {
        Provider = provider,
        AccountId = account.Id,
        Email = account.Email,
        DisplayName = account.DisplayName,
    };

    private static WorkspaceRef ToWorkspaceRef(WorkspaceState workspace, string provider) => new()
    {
        Provider = provider,
        Id = workspace.Id,
        Name = workspace.Name,
        CalendarId = workspace.CalendarId,
        Url = new Uri($"https://{Host}/drive/folders/{workspace.Id}"),
    };

    private static DocumentRef ToDocumentRef(DocumentState document) => new()
    {
        Id = document.Id,
        WorkspaceId = document.WorkspaceId,
        Title = document.Title,
        Kind = document.Kind,
        Revision = document.Revisions.Count,
        Url = new Uri($"https://{Host}/{document.Kind.ToString().ToLowerInvariant()}/d/{document.Id}"),
    };

    private static ShareRef ToShareRef(ShareState share) => new()
    {
        Id = share.Id,
        WorkspaceId = share.WorkspaceId,
        AccountId = share.AccountId,
        Role = share.Role,
    };

    private static ScheduleEntry ToScheduleEntry(EntryState entry) => new()
    {
        Id = entry.Id,
        WorkspaceId = entry.WorkspaceId,
        Title = entry.Title,
        Start = entry.Start,
        End = entry.End,
        Attendees = entry.Attendees,
    };

    private sealed record AccountState(string Id, string Email, string? DisplayName);

    private sealed class WorkspaceState(string id, string name, string? description, string timeZone, string calendarId, string ownerAccountId)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public string? Description { get; } = description;
        public string TimeZone { get; } = timeZone;
        public string CalendarId { get; } = calendarId;
        public string OwnerAccountId { get; } = ownerAccountId;
        public List<WorkspaceActivity> Activity { get; } = [];
        public List<EntryState> Entries { get; } = [];
        public Dictionary<string, ShareState> ActiveShares { get; } = new(StringComparer.Ordinal);
    }

    private sealed class DocumentState(string id, string workspaceId, string title, DocumentKind kind)
    {
        public string Id { get; } = id;
        public string WorkspaceId { get; } = workspaceId;
        public string Title { get; } = title;
        public DocumentKind Kind { get; } = kind;
        public List<DocumentRevision> Revisions { get; } = [];
        public List<(string AccountId, string Text, DateTimeOffset At)> Comments { get; } = [];
    }

    private sealed class ShareState(string id, string workspaceId, string accountId, WorkspaceRole role, int sequence)
    {
        public string Id { get; } = id;
        public string WorkspaceId { get; } = workspaceId;
        public string AccountId { get; } = accountId;
        public WorkspaceRole Role { get; set; } = role;
        public int Sequence { get; } = sequence;
        public bool Active { get; set; } = true;
    }

    private sealed class EntryState(string id, string workspaceId, string title, IReadOnlyList<string> attendees, string? description)
    {
        public string Id { get; } = id;
        public string WorkspaceId { get; } = workspaceId;
        public string Title { get; } = title;
        public IReadOnlyList<string> Attendees { get; set; } = attendees;
        public string? Description { get; } = description;
        public DateTimeOffset Start { get; set; }
        public DateTimeOffset End { get; set; }
    }
}
