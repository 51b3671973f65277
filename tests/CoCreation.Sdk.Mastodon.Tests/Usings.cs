global using CoCreation.Sdk.Mastodon.Tests.Support;
global using CoCreation.Sdk.Testing;
