using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Enterprise
{
    /// <summary>
    /// Optional: the enterprise system can anonymise an account the SDK provisioned, when the participant it
    /// belongs to is erased. Adapters that implement it set <see cref="EnterpriseCapabilities.SupportsAccountErasure"/>.
    /// </summary>
    public interface IEnterpriseAccountErasure
    {
        /// <summary>
        /// Replaces the account's personal data at the system (display name, e-mail, login) with the neutral values of
        /// <see cref="ErasedPerson"/>, removes its roles and deactivates it. Business records (designs, sales, payouts)
        /// stay, owned by the anonymised account. Idempotent: anonymising an anonymised account changes nothing.
        /// </summary>
        /// <param name="account">The account (its <see cref="EnterpriseAccount.AccountId"/> is what counts).</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <returns>The account as the system now holds it.</returns>
        /// <exception cref="ResourceNotFoundException">No such account.</exception>
        Task<EnterpriseAccount> AnonymizeAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default);
    }
}

namespace CoCreation.Sdk.Workspaces
{
    /// <summary>
    /// Optional: the cloud service can anonymise an account, when the participant it belongs to is erased.
    /// Adapters that implement it set <see cref="CloudWorkspaceCapabilities.SupportsAccountErasure"/>. Services
    /// whose accounts belong to the person rather than to the company (a personal Google account) do not.
    /// </summary>
    public interface ICloudAccountErasure
    {
        /// <summary>
        /// Replaces the account's personal data at the service (display name, e-mail address, and the address where
        /// the service repeats it, such as calendar attendees) with the neutral values of <see cref="ErasedPerson"/>.
        /// The account keeps its id; its shares are ended by revoking the grants, which erasure does first. Idempotent.
        /// </summary>
        /// <param name="account">The account (its <see cref="CloudAccount.AccountId"/> is what counts).</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        /// <returns>The account as the service now holds it.</returns>
        /// <exception cref="ResourceNotFoundException">No such account.</exception>
        Task<CloudAccount> AnonymizeAccountAsync(CloudAccount account, CancellationToken cancellationToken = default);
    }
}

namespace CoCreation.Sdk
{
    /// <summary>The neutral values that stand in for an erased person, in the SDK's records and at providers.</summary>
    public static class ErasedPerson
    {
        /// <summary>The Korean words that replace an erased person's name in messages to other people.</summary>
        public const string KoreanName = "탈퇴한 참여자";

        /// <summary>The English words that replace an erased person's name in messages to other people.</summary>
        public const string EnglishName = "a former participant";

        /// <summary>The display name an anonymised provider account gets.</summary>
        public const string AccountDisplayName = "Former participant";

        /// <summary>The login an anonymised provider account gets: unique per account, naming no one.</summary>
        /// <param name="accountId">The account id at the provider.</param>
        /// <returns>The login.</returns>
        public static string Login(string accountId) => "erased-" + CoCreationGuard.NotBlank(accountId, nameof(accountId));

        /// <summary>
        /// The e-mail address an anonymised provider account gets, where the provider needs one: unique per account,
        /// in the reserved <c>.invalid</c> domain, so no mail can reach anyone.
        /// </summary>
        /// <param name="accountId">The account id at the provider.</param>
        /// <returns>The address.</returns>
        public static string Email(string accountId) => Login(accountId) + "@erased.invalid";

        /// <summary>The words for an erased person in a text: Korean when the text has Hangul in it, else English.</summary>
        /// <param name="text">The text the name stood in.</param>
        /// <returns><see cref="KoreanName"/> or <see cref="EnglishName"/>.</returns>
        public static string NameFor(string? text)
        {
            foreach (var c in text ?? "")
            {
                if (c is >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F')
                {
                    return KoreanName;
                }
            }

            return EnglishName;
        }
    }
}
