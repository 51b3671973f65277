using System.Globalization;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.CommunityProducts;

// Production: production requests, progress and production managers.
public sealed partial class CommunityProductProgram
{
    /// <summary>Steps 4 and 13: the designer writes a production plan and requests (re-)production.</summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="request">The plan.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The production order.</returns>
    /// <exception cref="CoCreationValidationException">The quantity is not above zero or the plan is empty.</exception>
    /// <exception cref="AccessDeniedException">The session has no active production-requester grant.</exception>
    public async Task<ProductionOrder> RequestProductionAsync(ParticipantSession session, ProductionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.DesignId, "ProductionRequest.DesignId");
        CoCreationGuard.Quantity(request.Quantity, "ProductionRequest.Quantity");
        CoCreationGuard.NotBlank(request.Plan, "ProductionRequest.Plan");
        const string keyField = "ProductionRequest.IdempotencyKey";
        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, keyField);
        var production = Production;
        var actor = await ActorAsync(session, EnterpriseRoles.ProductionRequester, cancellationToken).ConfigureAwait(false);
        return await OnceAsync(
            session.ParticipantId,
            "production",
            keyField,
            request.IdempotencyKey,
            Fingerprint(request.DesignId, request.Quantity.ToString(CultureInfo.InvariantCulture), request.Plan),
            () => production.RequestProductionAsync(actor, request, cancellationToken),
            id => production.GetProductionOrderAsync(id, cancellationToken),
            order => order.Id,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Steps 5, 6, 14 and 15: the company reports production progress; at 100 % the goods are stocked in.</summary>
    /// <param name="orderId">The production order.</param>
    /// <param name="update">The progress.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order.</returns>
    public Task<ProductionOrder> ReportProductionProgressAsync(string orderId, ProductionProgressUpdate update, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(orderId, nameof(orderId));
        ArgumentNullException.ThrowIfNull(update);
        if (update.Percent is < 0 or > 100)
        {
            throw new CoCreationValidationException("ProductionProgressUpdate.Percent", $"must be between 0 and 100 (was {update.Percent}).");
        }

        CoCreationGuard.NotBlank(update.Stage, "ProductionProgressUpdate.Stage");
        return Production.ReportProgressAsync(orderId, update, cancellationToken);
    }

    /// <summary>Makes a signed-in company employee a production manager: they receive low-stock alerts.</summary>
    /// <param name="participantId">The employee's participant id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grant of the production-manager role.</returns>
    public async Task<AccessGrant> AppointProductionManagerAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var grant = await GrantAsync(participantId, EnterpriseRoles.ProductionManager, "appointed production manager", cancellationToken).ConfigureAwait(false);
        await _store.ApplyAsync(new StoreChanges().PutDocument(_managers, participantId, "{}"), cancellationToken).ConfigureAwait(false);
        return grant;
    }
}
