global using CoCreation.Sdk.Bluesky.Tests.Support;
global using CoCreation.Sdk.Testing;
