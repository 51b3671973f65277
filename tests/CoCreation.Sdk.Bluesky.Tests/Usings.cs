global using CoCreation.Sdk.Bluesky.Tests.Support;
