using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>The SDK with the opinions module on embedded networks and a fake clock.</summary>
internal sealed class OpinionsHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly Dictionary<string, EmbeddedSnsNetwork> _networks = new(StringComparer.Ordinal);

    public OpinionsHarness(IEnumerable<(string Name, EmbeddedSnsOptions Options)> networks, Action<OpinionOptions>? configure = null, Action<ICoCreationBuilder, OpinionsHarness>? build = null)
    {
        Clock = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        var builder = services.AddCoCreation();
        foreach (var (name, options) in networks)
        {
            var network = new EmbeddedSnsNetwork(options, Clock);
            var brand = network.RegisterAccount("brand", "Brand");
            BrandSubjects[name] = brand.Subject;
            BrandCredentials[name] = brand.Credential;
            builder.AddEmbeddedSns(name, network, brand.Credential);
            _networks[name] = network;
        }

        build?.Invoke(builder, this);
        builder.AddOpinions(configure);
        services.AddSingleton<TimeProvider>(Clock);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static OpinionsHarness WithPollsAndReplies(Action<OpinionOptions>? configure = null) => new(
        [("polls", new EmbeddedSnsOptions { EnablePolls = true, MaxPollOptions = 4 }), ("replies", new EmbeddedSnsOptions { EnablePolls = false })],
        configure);

    public FakeTimeProvider Clock { get; }

    public Dictionary<string, string> BrandSubjects { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SnsCredential> BrandCredentials { get; } = new(StringComparer.Ordinal);

    public EmbeddedSnsNetwork Network(string name) => _networks[name];

    public OpinionCampaigns Campaigns => _services.GetRequiredService<OpinionCampaigns>();

    public IServiceProvider Services => _services;

    public IdeaBoard Ideas => _services.GetRequiredService<IdeaBoard>();

    public ISnsSignIn SignIn => _services.GetRequiredService<ISnsSignIn>();

    public IIdentityMap Identities => _services.GetRequiredService<IIdentityMap>();

    public IAuditLog Audit => _services.GetRequiredService<IAuditLog>();

    public ICoCreationStore Store => _services.GetRequiredService<ICoCreationStore>();

    public ModerationPipeline Moderation => _services.GetRequiredService<ModerationPipeline>();

    /// <summary>Every post on every network, brand posts included.</summary>
    public int PostCount => _networks.Values.Sum(n => n.GetPostsBy(BrandSubjects[_networks.First(p => p.Value == n).Key]).Count);

    public int TotalWriteCalls => _networks.Values.Sum(n => n.WriteCallCount);

    /// <summary>A member on one network, signed in so that the identity map knows them.</summary>
    public async Task<(EmbeddedSnsAccount Account, ParticipantSession Session)> MemberAsync(string network, string handle)
    {
        var account = Network(network).RegisterAccount(handle);
        var session = await SignIn.SignInAsync(network, account.Credential);
        return (account, session);
    }

    /// <summary>A person with accounts on two networks, linked in the identity map.</summary>
    public async Task<(EmbeddedSnsAccount First, EmbeddedSnsAccount Second, string ParticipantId)> LinkedMemberAsync(string first, string second, string handle)
    {
        var (a, session) = await MemberAsync(first, handle);
        var b = Network(second).RegisterAccount(handle);
        var participant = await Identities.LinkSnsAsync(session, second, b.Credential);
        return (a, b, participant.Id);
    }

    public static OpinionQuestion Question(params string[] options) => new() { Text = "Which colour next season?", Options = options, Duration = TimeSpan.FromDays(2) };

    public ValueTask DisposeAsync()
    {
        foreach (var network in _networks.Values)
        {
            network.Dispose();
        }

        return _services.DisposeAsync();
    }
}
