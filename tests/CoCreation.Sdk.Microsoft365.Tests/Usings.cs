global using CoCreation.Sdk.Microsoft365.Tests.Support;
global using CoCreation.Sdk.Testing;
