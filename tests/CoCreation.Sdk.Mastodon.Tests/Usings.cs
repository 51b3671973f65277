global using CoCreation.Sdk.Mastodon.Tests.Support;
