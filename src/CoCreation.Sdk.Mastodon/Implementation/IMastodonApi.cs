using Refit;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>
/// The Mastodon client API calls the adapter makes. Every call returns the raw response so that the adapter
/// maps status codes, rate-limit headers, <c>Link</c> paging and error bodies itself. Authorization is a
/// parameter on every authenticated call, so a member's token can never be mixed up with the brand's.
/// </summary>
internal interface IMastodonApi
{
    [Get("/api/v2/instance")]
    Task<HttpResponseMessage> GetInstanceAsync(CancellationToken cancellationToken);

    [Get("/api/v1/accounts/verify_credentials")]
    Task<HttpResponseMessage> VerifyCredentialsAsync([Header("Authorization")] string authorization, CancellationToken cancellationToken);

    [Get("/api/v1/accounts/{id}")]
    Task<HttpResponseMessage> GetAccountAsync(string id, [Header("Authorization")] string authorization, CancellationToken cancellationToken);

    [Post("/api/v1/statuses")]
    Task<HttpResponseMessage> CreateStatusAsync(
        [Body] CreateStatusRequestDto body,
        [Header("Authorization")] string authorization,
        [Header("Idempotency-Key")] string? idempotencyKey,
        CancellationToken cancellationToken);

    [Get("/api/v1/polls/{id}")]
    Task<HttpResponseMessage> GetPollAsync(string id, [Header("Authorization")] string authorization, CancellationToken cancellationToken);

    [Get("/api/v2/search")]
    Task<HttpResponseMessage> SearchAsync(
        [AliasAs("q")] string query,
        [AliasAs("type")] string type,
        [AliasAs("resolve")] string resolve,
        [AliasAs("limit")] int limit,
        [AliasAs("max_id")] string? maxId,
        [Header("Authorization")] string authorization,
        CancellationToken cancellationToken);

    [Get("/api/v1/statuses/{id}/context")]
    Task<HttpResponseMessage> GetContextAsync(string id, [Header("Authorization")] string authorization, CancellationToken cancellationToken);

    [Get("/api/v1/notifications")]
    Task<HttpResponseMessage> GetNotificationsAsync(
        [Query(CollectionFormat.Multi)][AliasAs("types[]")] string[] types,
        [AliasAs("min_id")] string? minId,
        [AliasAs("limit")] int limit,
        [Header("Authorization")] string authorization,
        CancellationToken cancellationToken);

    [Post("/api/v1/apps")]
    Task<HttpResponseMessage> CreateAppAsync([Body] CreateAppRequestDto body, CancellationToken cancellationToken);

    [Post("/oauth/token")]
    Task<HttpResponseMessage> CreateTokenAsync([Body] TokenRequestDto body, CancellationToken cancellationToken);

    [Post("/oauth/revoke")]
    Task<HttpResponseMessage> RevokeTokenAsync([Body] RevokeRequestDto body, CancellationToken cancellationToken);
}
