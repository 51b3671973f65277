using CoCreation.Sdk.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoCreation.Sdk;

/// <summary>Relays credential health alerts (<see cref="CredentialNeedsReauthEvent"/>) to the company's admins.</summary>
public static class CredentialHealthBuilderExtensions
{
    /// <summary>The name of the relay rule <see cref="AddCredentialHealthAlerts(ICoCreationBuilder, string[])"/> adds.</summary>
    public const string RuleName = "credential-health.needs-reauth";

    /// <summary>
    /// The message the admins read by default, in Korean and English, with the placeholders <c>{platform}</c>,
    /// <c>{provider}</c>, <c>{account}</c> and <c>{reason}</c>.
    /// </summary>
    public static MessageTemplate DefaultTemplate { get; } = MessageTemplate.KoreanAndEnglish(
        "[계정 재인증 필요] {platform} 계정 {account}(연결 '{provider}')의 인증이 더 이상 유효하지 않습니다: {reason}. 이 계정으로 다시 로그인하거나 새 토큰을 발급해 설정에 넣어 주세요.",
        "[Re-authorisation needed] The {platform} account {account} (connection '{provider}') is no longer authorised: {reason}. Sign in to that account again or issue a new token and put it in the settings.");

    /// <summary>
    /// Sends a direct message to each admin participant when a credential moves to
    /// <see cref="CredentialState.NeedsReauth"/>: once per transition, through the relay's outbox (retried and
    /// de-duplicated like every delivery).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="adminParticipantIds">The participant ids of the company's admins (their linked SNS accounts receive the message).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="adminParticipantIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">No admin is given, an id is blank, or the alerts are already added.</exception>
    public static ICoCreationBuilder AddCredentialHealthAlerts(this ICoCreationBuilder builder, params string[] adminParticipantIds)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(adminParticipantIds);
        if (adminParticipantIds.Length == 0)
        {
            throw new CoCreationValidationException(nameof(adminParticipantIds), "must name at least one admin participant.");
        }

        foreach (var id in adminParticipantIds)
        {
            CoCreationGuard.NotBlank(id, nameof(adminParticipantIds));
        }

        return builder.AddCredentialHealthAlerts(RecipientSelector.Fixed(adminParticipantIds));
    }

    /// <summary>
    /// Sends a message to the participants <paramref name="admins"/> selects when a credential moves to
    /// <see cref="CredentialState.NeedsReauth"/>. The event's data keys are <c>provider</c>, <c>platform</c>,
    /// <c>account</c> and <c>reason</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="admins">Who receives the alert.</param>
    /// <param name="template">The message; <see langword="null"/> for <see cref="DefaultTemplate"/>.</param>
    /// <param name="channel">How it reaches them. Default a direct message.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="admins"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The alerts are already added.</exception>
    public static ICoCreationBuilder AddCredentialHealthAlerts(this ICoCreationBuilder builder, RecipientSelector admins, MessageTemplate? template = null, RelayChannel channel = RelayChannel.DirectMessage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(admins);
        builder.AddRelayRule(new RelayRule
        {
            Name = RuleName,
            EventType = CredentialNeedsReauthEvent.EventType,
            Recipients = admins,
            Channel = channel,
            Template = template ?? DefaultTemplate,
        });
        builder.Services.AddCredentialHealth();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICredentialHealthObserver, RelayCredentialHealthObserver>());
        return builder;
    }

    /// <summary>Registers the monitor as <see cref="ICredentialHealth"/> and <see cref="ICredentialHealthReporter"/>, once.</summary>
    internal static IServiceCollection AddCredentialHealth(this IServiceCollection services)
    {
        services.TryAddSingleton<CredentialHealthMonitor>();
        services.TryAddSingleton<ICredentialHealth>(sp => sp.GetRequiredService<CredentialHealthMonitor>());
        services.TryAddSingleton<ICredentialHealthReporter>(sp => sp.GetRequiredService<CredentialHealthMonitor>());
        return services;
    }
}
